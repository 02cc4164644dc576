from django.conf import settings
from django.urls import NoReverseMatch, reverse

from . import access

# (label, url name, rule, section) - a link shows only if the rule allows it.
NAVIGATION = (
    ("Home", "home", lambda u: True, "home"),
    ("Performance", "kpis:dashboard", access.can_view_performance, "kpis"),
    ("Risks", "risks:register", access.can_view_risks, "risks"),
    ("Placements", "placements:report", access.can_view_placements, "placements"),
    ("Programmes", "programmes:list", access.can_view_programmes, "programmes"),
    ("Committee packs", "packs:list", access.can_view_packs, "packs"),
    ("Imports", "imports:index", access.can_import, "imports"),
    ("Periods", "periods:list", access.can_manage_periods, "periods"),
    ("Tasks", "tasks:overview", access.can_manage_periods, "tasks"),
    ("Audit trail", "audit:trail", access.can_view_audit, "audit"),
)


def service(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        namespace = match.namespace if match else ""
        url_name = match.url_name if match else ""
        for label, name, rule, section in NAVIGATION:
            if not rule(user):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            active = namespace == section or (section == "home" and url_name == "home" and not namespace)
            items.append({"label": label, "url": url, "active": active})
    from . import clock

    return {
        "demo_date": clock.pinned() if user is not None and user.is_authenticated else None,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "navigation": items,
        "user_role": access.primary_role(user) if user is not None else None,
    }
