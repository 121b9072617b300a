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

# The indicator dictionary (views_indicators.py).
from . import views_indicators  # noqa: E402

urlpatterns += [
    path(
        "i/<str:code>/setup/indicators/",
        views_indicators.indicator_list,
        name="indicators",
    ),
    path(
        "i/<str:code>/setup/indicators/new/",
        views_indicators.indicator_new,
        name="indicator_new",
    ),
    path(
        "i/<str:code>/setup/indicators/check-formula/",
        views_indicators.check_formula,
        name="indicators_check_formula",
    ),
    path(
        "i/<str:code>/setup/indicators/preview-composite/",
        views_indicators.preview_composite,
        name="indicators_preview",
    ),
    path(
        "i/<str:code>/setup/indicators/rebuild/",
        views_indicators.rebuild_status,
        name="indicators_rebuild",
    ),
    path(
        "i/<str:code>/setup/indicators/<str:indicator>/edit/",
        views_indicators.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "i/<str:code>/setup/indicators/<str:indicator>/move/",
        views_indicators.indicator_move,
        name="indicator_move",
    ),
    path(
        "i/<str:code>/setup/indicators/<str:indicator>/retire/",
        views_indicators.indicator_retire,
        name="indicator_retire",
    ),
    path(
        "i/<str:code>/setup/indicators/<str:indicator>/delete/",
        views_indicators.indicator_delete,
        name="indicator_delete",
    ),
]

from . import views_new  # noqa: E402

urlpatterns += [
    path("setup/new/", views_new.new, name="new"),
    path("setup/new/file/", views_new.new_file, name="new_file"),
    path("setup/new/file/<str:token>/", views_new.new_file_preview, name="new_file_preview"),
    path("i/<str:code>/setup/file/", views_new.replace, name="replace"),
    path("i/<str:code>/setup/file/download/", views_new.download, name="download"),
    path("i/<str:code>/setup/file/<str:token>/", views_new.replace_preview, name="replace_preview"),
]
