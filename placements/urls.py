from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("", views.report, name="report"),
    path("report.<str:fmt>", views.report_export, name="report_export"),
    path("entry/", views.entry_start, name="entry_start"),
    path("entry/<str:period>/", views.entry, name="entry"),
]
