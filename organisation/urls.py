from django.urls import path

from . import views

period_patterns = (
    [
        path("", views.period_list, name="list"),
        path("open-next/", views.period_open_next, name="open_next"),
        path("<int:pk>/<str:state>/", views.period_set_state, name="set_state"),
    ],
    "periods",
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
