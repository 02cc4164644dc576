from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from . import audit_trail, interchange, summaries

        summaries.connect_signals()
        interchange.register(interchange.Kind(
            name="audit-trail", label="Audit trail", resource_class=None, columns=audit_trail.COLUMNS,
            importable=False, export=audit_trail.export,
        ))
