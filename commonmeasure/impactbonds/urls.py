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
