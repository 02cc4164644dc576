"""/api/v1/ (the read API, its schema and documentation page) and /api/tokens/ (the tokens page).

The API answers 401 to a caller who is not signed in and has no token, so its views are exempt from the
site's sign-in redirect (LoginRequiredMiddleware); DRF's authentication and permissions guard them. The
documentation page is a page for people: it sends a visitor who is not signed in to sign in."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import token_views, views


class SchemaView(views.SchemaMixin, SpectacularAPIView):
    # JSON unless YAML is asked for (Accept: application/vnd.oai.openapi).
    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]


class DocsView(views.SchemaMixin, SpectacularSwaggerSplitView):
    # The page's own template: no inline script or style, so it loads under the site's Content-Security-Policy
    # (the Swagger UI files are served from our static files by drf-spectacular-sidecar).
    template_name = "api/swagger_ui.html"


def api(view):
    return login_not_required(view.as_view())


app_name = "api"

urlpatterns = [
    path("v1/indicators/", api(views.IndicatorList), name="indicators"),
    path("v1/targets/", api(views.TargetList), name="targets"),
    path("v1/benchmarks/", api(views.BenchmarkList), name="benchmarks"),
    path("v1/figures/", api(views.FigureList), name="figures"),
    path("v1/risks/", api(views.RiskList), name="risks"),
    path("v1/controls/", api(views.ControlList), name="controls"),
    path("v1/audit-actions/", api(views.AuditActionList), name="audit_actions"),
    path("v1/placements/", api(views.PlacementList), name="placements"),
    path("v1/programmes/", api(views.ProgrammeList), name="programmes"),
    path("v1/savings/", api(views.SavingList), name="savings"),
    path("v1/schema/", api(SchemaView), name="schema"),
    path("v1/docs/", login_required(DocsView.as_view(url_name="api:schema")), name="docs"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.revoke, name="token_revoke"),
]
