from django.urls import path

from . import views

app_name = "setup"

urlpatterns = [
    path("i/<str:code>/setup/", views.home, name="home"),
]
