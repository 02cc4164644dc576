"""django.contrib.admin with the council's role-based site (organisation/admin_site.py).

Its own module, imported while the apps load, so it must not import models.
"""

from django.contrib.admin.apps import AdminConfig


class CouncilAdminConfig(AdminConfig):
    default_site = "organisation.admin_site.CouncilAdminSite"
