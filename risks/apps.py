from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk registers"

    def ready(self) -> None:
        from organisation import home, interchange

        from . import panels, resources

        interchange.register(interchange.Kind(
            name="risks", label="Risks", resource_class=resources.RiskResource, columns=resources.COLUMNS,
            required=("reference", "register", "directorate", "period", "likelihood", "impact",
                      "tolerance_likelihood", "tolerance_impact"),
            key=("reference", "period"),
            description="One row per risk and quarter: the risk's details and its review scores.",
            export=resources.risks_export,
        ))
        home.register(panels.risk_panel)
