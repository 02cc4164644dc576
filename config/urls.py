from django.contrib import admin
from django.urls import include, path

from organisation import accounts, sso_views
from organisation import urls as organisation_urls
from organisation import views as organisation_views

urlpatterns = [
    path("", organisation_views.root, name="root"),
    path("home/", organisation_views.home_page, name="home"),
    # Sign-in and sign-out, with the council account's single sign-on when OIDC_ISSUER is set.
    path("login/", sso_views.sign_in, name="login"),
    path("logout/", sso_views.SignOutView.as_view(), name="logout"),
    path("oidc/", include(sso_views.patterns)),
    # Your account, password change and reset, and the session-timeout endpoints.
    path("account/", include(accounts.patterns)),
    path("account/", include(accounts.auth_patterns)),
    path("periods/", include(organisation_urls.period_patterns)),
    path("imports/", include(organisation_urls.import_patterns)),
    path("audit/", include(organisation_urls.audit_patterns)),
    path("tasks/", include(organisation_urls.task_patterns)),
    path("performance/", include("kpis.urls")),
    path("risks/", include("risks.urls")),
    path("placements/", include("placements.urls")),
    path("programmes/", include("programmes.urls")),
    path("packs/", include("packs.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "organisation.views.error_403"
handler404 = "organisation.views.error_404"
handler500 = "organisation.views.error_500"
