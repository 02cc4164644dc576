from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from organisation import accounts
from organisation import urls as organisation_urls
from organisation import views as organisation_views
from organisation.forms import LoginForm

urlpatterns = [
    path("", organisation_views.root, name="root"),
    path("home/", organisation_views.home_page, name="home"),
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
    path("packs/", include("packs.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "organisation.views.error_403"
handler404 = "organisation.views.error_404"
handler500 = "organisation.views.error_500"
