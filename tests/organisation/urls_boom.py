"""A URL configuration with a view that fails, to test the 500 page."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("deliberate failure")


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]
handler500 = "organisation.views.error_500"
