from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "Performance indicators"

    def ready(self) -> None:
        from organisation import home, interchange, synthetic
        from organisation import services as organisation_services

        from . import panels, resources, services
        from . import synthetic as synthetic_data

        for name, label, resource, required, key, description in (
            ("indicators", "Indicators", resources.IndicatorResource,
             ("code", "title", "directorate", "service_area", "polarity", "unit", "frequency"), ("code",),
             "Codes, titles, owning service, polarity, unit, frequency, accumulation, commitment, tolerance, "
             "benchmark measure."),
            ("targets", "Targets", resources.TargetResource, ("code", "period", "target"), ("code", "period"),
             "A target per quarter, or per financial year; blank means establish a baseline."),
            ("actuals", "Actuals", resources.ActualResource, ("code", "period", "value"), ("code", "period"),
             "Figures and commentary per quarter (annual indicators: per year)."),
        ):
            interchange.register(interchange.Kind(
                name=name, label=label, resource_class=resource, columns=resource.columns, required=required,
                key=key, description=description,
                export=lambda period, user, resource=resource: resource().export_dataset(period),
            ))
        from . import lait

        interchange.register(interchange.Kind(
            name="benchmarks", label="Benchmarks", resource_class=resources.BenchmarkResource,
            columns=resources.BenchmarkResource.columns, required=resources.BenchmarkResource.columns,
            key=("code", "year", "comparator"),
            description="Published comparators per indicator and year: the council's figure, England, statistical "
                        "neighbours, region and the quartile thresholds its band follows from.",
            export=lambda period, user: resources.BenchmarkResource().export_dataset(period),
        ))
        interchange.register(interchange.Kind(
            name="lait", label="Benchmarks from DfE's LAIT", resource_class=resources.BenchmarkResource,
            columns=lait.COLUMNS, required=lait.COLUMNS, reader=lait.read, options=("neighbours",),
            description="DfE's LAIT long-format data, for the indicators whose benchmark_measure names a measure "
                        "(with DfE's statistical neighbours file, uploaded beside it or given as "
                        "import_data lait FILE --neighbours FILE).",
            export=lambda period, user: resources.BenchmarkResource().export_dataset(period),
        ))
        interchange.register(interchange.Kind(
            name="kpi-report", label="Quarterly performance report", resource_class=None,
            columns=resources.KPI_REPORT_COLUMNS, importable=False, export=resources.kpi_report,
        ))
        home.register(panels.kpi_panel)
        from organisation import tasks as task_lists

        from . import tasks

        task_lists.register(tasks.provider)
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import judging
        from .models import Actual, Indicator, Target

        organisation_services.register_lock(check=panels.lock_check, step=services.lock_step, opened=judging.opened,
                                            record=services.store_judgements)
        from organisation import judgements

        judgements.register(judgements.Judged("indicators", lambda: judging.refresh(), lambda: judging.check(),
                                             judging.deferred))
        post_migrate.connect(judging.fill_missing, sender=self, dispatch_uid="judging-fill-missing")
        # A figure, target or indicator changed by any route keeps its stored judgements true (kpis/judging.py).
        for model in (Actual, Target, Indicator):
            post_save.connect(judging.on_change, sender=model, dispatch_uid=f"judging-save-{model.__name__}")
            post_delete.connect(judging.on_change, sender=model, dispatch_uid=f"judging-delete-{model.__name__}")
        synthetic.register(synthetic_data.generate)
