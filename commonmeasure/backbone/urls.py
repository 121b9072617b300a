from django.urls import path, re_path

from . import views_activities as activities
from . import views_members as members
from . import views_settings as settings_views

app_name = "backbone"

urlpatterns = [
    path("invitations/<str:token>/", members.accept, name="accept"),
    path("i/<str:code>/activities/", activities.activity_list, name="activities"),
    re_path(
        r"^i/(?P<code>[^/]+)/activities/matrix\.(?P<fmt>csv|xlsx)$",
        activities.matrix_export,
        name="matrix_export",
    ),
    path("i/<str:code>/activities/new/", activities.activity_new, name="activity_new"),
    path("i/<str:code>/activities/<int:activity_id>/", activities.activity_edit, name="activity"),
    path(
        "i/<str:code>/activities/<int:activity_id>/delete/",
        activities.activity_delete,
        name="activity_delete",
    ),
    path("i/<str:code>/calendar/", settings_views.calendar_page, name="calendar"),
    re_path(r"^i/(?P<code>[^/]+)/calendar\.ics$", settings_views.calendar_ics, name="calendar_ics"),
    path("i/<str:code>/members/", members.roles, name="roles"),
    path("i/<str:code>/members/invite/", members.invite, name="invite"),
    path(
        "i/<str:code>/members/invitations/<int:invitation_id>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "i/<str:code>/members/invitations/<int:invitation_id>/resend/",
        members.invitation_resend,
        name="invitation_resend",
    ),
    path("i/<str:code>/settings/", settings_views.settings_page, name="settings"),
    path(
        "i/<str:code>/settings/deadline-preview/",
        settings_views.deadline_preview,
        name="deadline_preview",
    ),
    path("i/<str:code>/orgs/<str:org_code>/naming/", settings_views.naming, name="naming"),
]
