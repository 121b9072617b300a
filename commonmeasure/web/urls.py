from django.contrib.auth import views as auth_views
from django.urls import path

from commonmeasure.accounts.forms import LoginForm

from . import assets, grid, pages, quality, reports, uploads

urlpatterns = [
    path("", pages.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("assets/vega.js", assets.vega_bundle, name="vega_bundle"),
    path("i/<str:code>/", pages.initiative_home, name="initiative"),
    path("i/<str:code>/indicators/<str:indicator_code>/", pages.indicator_page, name="indicator"),
    path("i/<str:code>/orgs/<str:org_code>/", pages.organisation_page, name="organisation"),
    path("i/<str:code>/orgs/<str:org_code>/report/", grid.goto_period, name="grid_goto"),
    path("i/<str:code>/orgs/<str:org_code>/report/<str:period_code>/", grid.grid, name="grid"),
    path(
        "i/<str:code>/orgs/<str:org_code>/report/<str:period_code>/check/",
        grid.check_cell,
        name="grid_check",
    ),
    path("i/<str:code>/reports/", reports.reports, name="reports"),
    path("i/<str:code>/quality/", quality.overview, name="quality"),
    path("i/<str:code>/quality/dismiss/", quality.dismiss_flag, name="dismiss_flag"),
    path(
        "i/<str:code>/orgs/<str:org_code>/report/<str:period_code>/history/",
        quality.history,
        name="history",
    ),
    path("i/<str:code>/orgs/<str:org_code>/upload/", uploads.upload, name="upload"),
    path(
        "i/<str:code>/orgs/<str:org_code>/upload/template/",
        uploads.template_download,
        name="upload_template",
    ),
    path(
        "i/<str:code>/orgs/<str:org_code>/upload/<str:token>/",
        uploads.upload_status,
        name="upload_status",
    ),
    path(
        "i/<str:code>/orgs/<str:org_code>/upload/<str:token>/commit/",
        uploads.upload_commit,
        name="upload_commit",
    ),
]
