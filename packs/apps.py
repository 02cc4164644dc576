from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "packs"
    verbose_name = "Committee packs"

    def ready(self) -> None:
        from organisation import home

        from . import panels

        home.register(panels.packs_panel)
