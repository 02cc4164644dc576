from django.apps import AppConfig
from django.db.models import Q


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Children's placements"

    def ready(self) -> None:
        from organisation import home, interchange, synthetic
        from organisation import services as organisation_services

        from . import panels, resources
        from . import synthetic as synthetic_data

        interchange.register(interchange.Kind(
            name="placements", label="Placements", resource_class=resources.PlacementResource,
            columns=resources.COLUMNS, required=resources.COLUMNS, key=("period", "heading", "category"),
            description="Children and average weekly cost per placement category at each quarter end.",
            audit_about="placements",
            export=lambda period, user: resources.PlacementResource().export_dataset(period),
        ))
        interchange.register(interchange.Kind(
            name="placements-report", label="Placements report", resource_class=None,
            columns=resources.REPORT_COLUMNS, importable=False, export=resources.placements_report,
        ))
        home.register(panels.placements_panel)
        from organisation import access, audit_trail

        # Placement entries are read by those who may read placements (not the audit committee).
        audit_trail.register_scope("placements", lambda user: Q() if access.can_view_placements(user) else None)
        from organisation import tasks as task_lists

        from . import tasks

        task_lists.register(tasks.provider)
        from . import services

        organisation_services.register_lock(check=panels.lock_check, step=services.lock_step,
                                            record=lambda quarter: services.lock_step(None, quarter, False))
        synthetic.register(synthetic_data.generate)
