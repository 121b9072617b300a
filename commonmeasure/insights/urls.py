from django.urls import path

from . import views, views_explain

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
    path("i/<str:code>/explain/", views_explain.explain_page, name="explain"),
    path("public/<str:code>/<str:indicator_code>/", views.public_indicator, name="public"),
]
