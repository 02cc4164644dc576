from django.urls import path

from . import views

app_name = "packs"

urlpatterns = [
    path("", views.pack_list, name="list"),
    path("covering/", views.covering_edit, name="covering"),
    path("<int:pk>/part-<str:part>.<str:fmt>", views.pack_download, name="download"),
]
