from django.urls import path

from . import views

app_name = "kpis"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("service-areas/<int:area_id>/", views.service_area_dashboard, name="area_dashboard"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("entry/", views.entry_start, name="entry_start"),
    path("entry/<str:period>/<int:area_id>/", views.entry, name="entry"),
    path("submissions/<str:period>/", views.submissions, name="submissions"),
    path("submissions/<str:period>/sign-off/", views.sign_off, name="sign_off"),
    path("submissions/<str:period>/<str:code>/status/", views.status_override, name="status_override"),
    path("submissions/<str:period>/<str:code>/send-back/", views.send_back, name="send_back"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.indicator_edit, name="indicator_new"),
    path("manage/<str:code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("manage/<str:code>/targets/", views.targets, name="targets"),
    path("export/indicators.<str:fmt>", views.export_indicators, name="export_indicators"),
    path("report/<str:period>.<str:fmt>", views.export_report, name="export_report"),
]
