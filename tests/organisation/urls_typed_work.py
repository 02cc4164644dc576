"""A URL configuration with tiny pages that keep typed work, to test organisation/typed_work.py."""

import json

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.http import require_POST

from organisation.typed_work import keeps_typed_work, take

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% load govuk %}{% block page_title %}Typed work{% endblock %}{% block content %}'
    '<h1 class="govuk-heading-l">Typed work</h1><pre id="kept">{{ kept }}</pre>'
    '<form method="post" novalidate>{% csrf_token %}{% typed_work_owner %}<div class="govuk-form-group">'
    '<label class="govuk-label" for="commentary">Commentary</label>'
    '<textarea class="govuk-textarea" id="commentary" name="commentary" rows="3"></textarea></div>'
    # A button named "action" hides form.action: the timeout script must not rely on that property.
    '<button type="submit" class="govuk-button" name="action" value="submit">Save</button></form>{% endblock %}'
)


def _page(request) -> HttpResponse:
    data = take(request)
    return HttpResponse(PAGE.render({"kept": json.dumps(sorted(data.lists())) if data is not None else "nothing"},
                                    request))


@keeps_typed_work
def entry(request, pk: int) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse(f"saved {request.POST.get('commentary', '')}")
    return _page(request)


@require_POST  # above the mark: functools.wraps carries it to the outer function
@keeps_typed_work
def post_only(request) -> HttpResponse:
    return HttpResponse("saved")


def plain(request) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse("saved")
    return _page(request)


urlpatterns = [
    path("typed/<int:pk>/", entry),
    path("post-only/", post_only),
    path("plain/", plain),
    path("", include("config.urls")),
]
