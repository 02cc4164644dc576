from django.urls import path

from . import task_views, views

period_patterns = (
    [
        path("", views.period_list, name="list"),
        path("open-next/", views.period_open_next, name="open_next"),
        path("<int:pk>/lock/", views.period_lock, name="lock"),
        path("<int:pk>/reopen/", views.period_reopen, name="reopen"),
        path("<int:pk>/deadlines/", task_views.deadlines_edit, name="deadlines"),
    ],
    "periods",
)

task_patterns = (
    [
        path("", task_views.tasks_overview, name="overview"),
        path("export.csv", task_views.tasks_export, name="export"),
    ],
    "tasks",
)

import_patterns = (
    [
        path("", views.import_index, name="index"),
        path("<str:kind>/", views.import_upload, name="upload"),
        path("<str:kind>/template.<str:fmt>", views.import_template, name="template"),
        path("<str:kind>/<int:pk>/confirm/", views.import_confirm, name="confirm"),
    ],
    "imports",
)

audit_patterns = (
    [
        path("", views.audit_trail, name="trail"),
        path("export.<str:fmt>", views.audit_export, name="export"),
    ],
    "audit",
)
