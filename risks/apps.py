from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk registers"

    def ready(self) -> None:
        from organisation import home, interchange, synthetic
        from organisation import services as organisation_services

        from . import panels, resources, services
        from . import synthetic as synthetic_data

        interchange.register(interchange.Kind(
            name="risks", label="Risks", resource_class=resources.RiskResource, columns=resources.IMPORT_COLUMNS,
            required=resources.REQUIRED,
            key=("reference", "period"),
            description="One row per risk and quarter: the risk's details and its review scores.",
            export=resources.risks_export,
        ))
        home.register(panels.risk_panel)
        from organisation import tasks as task_lists

        from . import tasks

        task_lists.register(tasks.provider)
        organisation_services.register_lock(check=panels.lock_check, step=services.lock_step,
                                            record=lambda quarter: services.lock_step(None, quarter, False))
        synthetic.register(synthetic_data.generate)
