from django.urls import path

from . import views

app_name = "conversation"

urlpatterns = [
    path(
        "i/<str:code>/orgs/<str:org_code>/report/<str:period_code>/comments/",
        views.report_thread,
        name="report",
    ),
    path(
        "i/<str:code>/indicators/<str:indicator_code>/comments/",
        views.indicator_thread,
        name="indicator",
    ),
    path("contracts/<int:pk>/comments/", views.contract_thread, name="contract"),
    path("i/<str:code>/activity/", views.feed, name="feed"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.preferences, name="preferences"),
    path("notifications/<int:pk>/", views.notification_open, name="open"),
]
