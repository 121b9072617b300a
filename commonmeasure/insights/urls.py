from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("i/<str:code>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "i/<str:code>/orgs/<str:org_code>/dashboard/",
        views.organisation_dashboard,
        name="organisation",
    ),
    path("i/<str:code>/benchmarks/<str:indicator_code>/", views.benchmark, name="benchmark"),
    path("i/<str:code>/explore/", views.explorer, name="explorer"),
    path("public/<str:code>/<str:indicator_code>/", views.public_indicator, name="public"),
]
