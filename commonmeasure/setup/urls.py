from django.urls import path

from . import views, views_grids, views_rules, views_structure

app_name = "setup"

urlpatterns = [
    path("i/<str:code>/setup/", views.home, name="home"),
    # structure: dimensions, organisations, areas, the target and overlap grids, rules
    path("i/<str:code>/setup/dimensions/", views_structure.dimensions, name="dimensions"),
    path("i/<str:code>/setup/organisations/", views_structure.organisations, name="organisations"),
    path(
        "i/<str:code>/setup/organisations/<str:org>/",
        views_structure.organisation,
        name="organisation",
    ),
    path("i/<str:code>/setup/areas/", views_structure.areas, name="areas"),
    path("i/<str:code>/setup/areas/<str:area>/", views_structure.area, name="area"),
    path("i/<str:code>/setup/targets/", views_grids.targets, name="targets"),
    path("i/<str:code>/setup/overlaps/", views_grids.overlaps, name="overlaps"),
    path("i/<str:code>/setup/rules/", views_rules.rules, name="rules"),
    path("i/<str:code>/setup/rules/<str:rule>/", views_rules.rule, name="rule"),
]
