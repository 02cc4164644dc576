from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes and benefits"

    def ready(self) -> None:
        from organisation import services as organisation_services

        from . import services

        from django.db.models import Q

        from organisation import access, audit_trail

        # Entries about programmes are read by those who may read programmes.
        audit_trail.register_scope(services.ABOUT, lambda user: Q() if access.can_view_programmes(user) else None)
        organisation_services.register_lock(step=services.lock_step,
                                            record=lambda quarter: services.lock_step(None, quarter, False))
