from django.urls import path

from . import downloads, views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/closure/", views.closure, name="closure"),
    path("<int:pk>/closure.<str:fmt>", downloads.closure_download, name="closure_download"),
    path("<int:pk>/<str:period>/", views.highlight, name="highlight"),
    path("<int:pk>/<str:period>/highlight.<str:fmt>", downloads.highlight_download, name="highlight_download"),
    path("<int:pk>/<str:period>/assess/", views.assess, name="assess"),
    path("<int:pk>/<str:period>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/<str:period>/send-back/<int:number>/", views.send_back, name="send_back"),
    path("<int:pk>/<str:period>/savings/", views.savings, name="savings"),
]
