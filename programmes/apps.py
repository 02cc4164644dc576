from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes and benefits"

    def ready(self) -> None:
        from django.db.models import Q

        from organisation import access, audit_trail
        from organisation import services as organisation_services

        from . import services

        # Entries about programmes are read by those who may read programmes.
        audit_trail.register_scope(services.ABOUT, lambda user: Q() if access.can_view_programmes(user) else None)
        from organisation import home

        from . import panels

        home.register(panels.programmes_panel)
        organisation_services.register_lock(step=services.lock_step,
                                            record=lambda quarter: services.lock_step(None, quarter, False))
        from organisation import interchange

        from . import resources

        interchange.register(interchange.Kind(
            name="programmes", label="Programmes", resource_class=resources.ProgrammeResource,
            columns=resources.PROGRAMME_IMPORT_COLUMNS, required=resources.PROGRAMME_REQUIRED, key=("name",),
            description="One row per transformation programme: its directorate, sponsor, senior responsible "
                        "owner, dates and status.",
            audit_about=services.ABOUT, export=resources.programmes_export,
        ))
        interchange.register(interchange.Kind(
            name="objectives", label="Programme objectives", resource_class=resources.ObjectiveResource,
            columns=resources.OBJECTIVE_COLUMNS, required=resources.OBJECTIVE_REQUIRED,
            key=("programme", "number", "period"),
            description="One row per objective of a programme and quarter: the objective, its measure and "
                        "linked indicators, and its RAG or status at closure (imported as drafts).",
            audit_about=services.ABOUT, export=resources.objectives_export,
        ))
        interchange.register(interchange.Kind(
            name="savings", label="Programme savings", resource_class=resources.SavingResource,
            columns=resources.SAVING_IMPORT_COLUMNS, required=resources.SAVING_REQUIRED,
            key=("programme", "year", "period"),
            description="One row per saving line of a programme: the financial year it falls in, the quarter "
                        "it was reported, and the planned, forecast and delivered pounds.",
            audit_about=services.ABOUT, export=resources.savings_export,
        ))
        interchange.register(interchange.Kind(
            name="milestones", label="Programme milestones", resource_class=resources.MilestoneResource,
            columns=resources.MILESTONE_COLUMNS, required=resources.MILESTONE_REQUIRED,
            key=("programme", "milestone"),
            description="One row per milestone of a programme: its baseline, approved and actual dates and the "
                        "reason for any slippage.",
            audit_about=services.ABOUT, export=resources.milestones_export,
        ))
