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
            synonyms=(("target_likelihood", "tolerance_likelihood"), ("target_impact", "tolerance_impact")),
            description="One row per risk and quarter: the risk's details and its review scores.",
            export=resources.risks_export,
        ))
        from . import control_resources

        interchange.register(interchange.Kind(
            name="controls", label="Controls", resource_class=control_resources.ControlResource,
            columns=control_resources.COLUMNS, required=control_resources.REQUIRED,
            key=("reference", "period", "control"),
            description="One row per control of a risk as reviewed in a quarter: its owner, type, line of "
                        "defence, assurance and tests.",
            export=control_resources.controls_export,
        ))
        from . import audit_resources

        interchange.register(interchange.Kind(
            name="audit-actions", label="Internal-audit recommendations",
            resource_class=audit_resources.AuditActionResource,
            columns=audit_resources.COLUMNS, required=audit_resources.REQUIRED, key=("source", "recommendation"),
            description="One row per recommendation of an internal audit report: the management action agreed, its "
                        "owner, due and revised due dates, status and the risks it concerns.",
            export=audit_resources.export,
        ))
        home.register(panels.risk_panel)
        from organisation import audit_trail

        from .queries import audit_scope

        audit_trail.register_scope("risk", audit_scope)
        from organisation import tasks as task_lists

        from . import tasks

        task_lists.register(tasks.provider)
        from django.db.models.signals import post_delete, post_migrate, post_save

        from organisation import judgements

        from . import judging
        from .models import Risk, RiskReview

        organisation_services.register_lock(check=panels.lock_check, step=services.lock_step,
                                            record=lambda quarter: services.lock_step(None, quarter, False),
                                            opened=judging.opened)
        synthetic.register(synthetic_data.generate)
        judgements.register(judgements.Judged("risks", lambda: judging.refresh(), lambda: judging.check(),
                                             judging.deferred))
        # A risk or review changed by any route keeps its stored judgements true (risks/judging.py).
        for model in (Risk, RiskReview):
            post_save.connect(judging.on_change, sender=model, dispatch_uid=f"risk-judging-save-{model.__name__}")
            post_delete.connect(judging.on_change, sender=model,
                                dispatch_uid=f"risk-judging-delete-{model.__name__}")
        post_migrate.connect(judging.fill_missing, sender=self, dispatch_uid="risk-judging-fill-missing")
