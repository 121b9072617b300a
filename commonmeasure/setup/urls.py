from django.urls import path

from . import views

app_name = "setup"

urlpatterns = [
    path("i/<str:code>/setup/", views.home, name="home"),
]

from . import views_new  # noqa: E402

urlpatterns += [
    path("setup/new/", views_new.new, name="new"),
    path("setup/new/file/", views_new.new_file, name="new_file"),
    path("setup/new/file/<str:token>/", views_new.new_file_preview, name="new_file_preview"),
    path("i/<str:code>/setup/file/", views_new.replace, name="replace"),
    path("i/<str:code>/setup/file/<str:token>/", views_new.replace_preview, name="replace_preview"),
]
