from django.contrib import admin
from django.urls import include, path

from commonmeasure.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher posts here (Django's set_language: a cookie, then back to the page).
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("commonmeasure.api.page_urls")),
    path("impact-bonds/", include("commonmeasure.impactbonds.urls")),
    path("contracts/", include("commonmeasure.contracts.urls")),
    path("", include("commonmeasure.voice.urls")),
    path("", include("commonmeasure.insights.urls")),
    path("", include("commonmeasure.conversation.urls")),
    path("", include("commonmeasure.backbone.urls")),
    path("", include("commonmeasure.setup.urls")),
    path("", include("commonmeasure.web.urls")),
]
