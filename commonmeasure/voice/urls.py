from django.urls import path, re_path

from . import views_bursts as bursts
from . import views_public as public
from . import views_staff as staff

app_name = "voice"

urlpatterns = [
    path("s/<str:token>/", public.survey_form, name="form"),
    path("s/<str:token>/thanks/", public.survey_thanks, name="thanks"),
    re_path(r"^s/(?P<token>[A-Za-z0-9_-]+)/qr\.(?P<fmt>png|svg)$", public.survey_qr, name="qr"),
    path("s/<str:token>/print/", public.survey_print, name="print"),
    path("v/<str:token>/", public.ballot_form, name="ballot_form"),
    path("i/<str:code>/surveys/", staff.survey_list, name="surveys"),
    path("i/<str:code>/surveys/new/", staff.survey_new, name="survey_new"),
    path("i/<str:code>/surveys/<int:survey_id>/", staff.survey_detail, name="survey"),
    path("i/<str:code>/surveys/<int:survey_id>/open/", staff.survey_close, name="survey_close"),
    path(
        "i/<str:code>/surveys/<int:survey_id>/recompute/",
        staff.survey_recompute,
        name="survey_recompute",
    ),
    path(
        "i/<str:code>/surveys/<int:survey_id>/bursts/", bursts.survey_bursts, name="survey_bursts"
    ),
    path(
        "i/<str:code>/surveys/<int:survey_id>/links/<int:link_id>/you-said/",
        staff.you_said,
        name="you_said",
    ),
    path("i/<str:code>/co-design/new/", staff.ballot_new, name="ballot_new"),
    path("i/<str:code>/co-design/<int:ballot_id>/", staff.ballot_detail, name="ballot"),
]
