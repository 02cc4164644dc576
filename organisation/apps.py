from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from . import audit_trail, home, interchange, summaries, task_views

        summaries.connect_signals()
        home.register(task_views.tasks_panel)
        interchange.register(interchange.Kind(
            name="audit-trail", label="Audit trail", resource_class=None, columns=audit_trail.COLUMNS,
            importable=False, export=audit_trail.export,
        ))
