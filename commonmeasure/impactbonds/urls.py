"""The public pages of the impact bond database, mounted at /impact-bonds/ (no log-in)."""

from django.urls import path

from . import views, views_directory, views_projects

app_name = "impactbonds"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views_directory.directory, name="directory"),
    path("projects/<str:indigo_id>/", views_projects.project, name="project"),
    path("organisations/", views_projects.organisations, name="organisations"),
    path("organisations/<str:indigo_id>/", views_projects.organisation, name="organisation"),
    path("funds/<str:indigo_id>/", views_projects.fund, name="fund"),
    path("compare/", views_projects.compare, name="compare"),
]

from . import views_manage  # noqa: E402

urlpatterns += [
    path("manage/", views_manage.manage, name="manage"),
    path("manage/import/<str:token>/", views_manage.manage_import, name="manage_import"),
    path(
        "manage/import/<str:token>/commit/",
        views_manage.manage_import_commit,
        name="manage_import_commit",
    ),
    path("manage/quality/", views_manage.manage_quality, name="manage_quality"),
    path(
        "manage/projects/<str:indigo_id>/fields/",
        views_manage.manage_fields,
        name="manage_fields",
    ),
]
