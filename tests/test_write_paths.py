"""One write path per domain: nothing but the domain's services changes its records.

Two proofs. Statically, no module of the apps but a services module calls save(), delete(), update(),
create() or their bulk forms (a short list of writes to records that are not the domain's - uploads
awaiting confirmation, the cache's version counter, user accounts, the audit trail's own insert - is
named, each with its reason). At run time, every route that writes (forms, the web import, import_data,
the admin, the loaders, locking and reopening) is driven with a guard that fails if a domain model is
written from anywhere but a services module.
"""

from __future__ import annotations

import ast
import inspect
import io
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models

from organisation.admin_site import ReadOnlyAdmin, ServiceAdmin
from organisation.models import PendingImport, ReportingPeriod
from tests.conftest import client_for, make_user

ROOT = Path(__file__).resolve().parent.parent
APPS = ("organisation", "kpis", "risks", "placements", "programmes", "packs")
WRITES = {"save", "delete", "update", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
DOMAIN_MODELS = {
    "organisation": {"Directorate", "ServiceArea", "ReportingPeriod", "RecordedOrganisation"},
    "kpis": {"KeyCommitment", "Indicator", "Target", "Actual", "Comparator", "RecordedIndicator"},
    "risks": {"ScoringScheme", "Risk", "RiskReview", "RiskAction", "RecordedRegister", "ControlReview",
              "RiskAcceptance", "AuditRecommendation", "AuditRevision"},
    "placements": {"PlacementHeading", "PlacementCategory", "PlacementSnapshot", "RecordedCategory",
                   "RecordedSnapshot"},
    "programmes": {"Programme", "Workstream", "Objective", "Assessment", "Saving", "Benefit", "Milestone",
                   "BudgetLine"},
    "packs": {"Committee", "Pack", "CoveringReport"},
}

# (module, the expression written to) -> why it is not a domain record written around its service.
ALLOWED = {
    ("placements/report_workbook.py", "book"): "the placements report written to memory",
    ("organisation/audit.py", "event"): "the audit trail's one insert",
    ("organisation/audit.py", "head"): "the audit trail's chain head, moved on by each insert",
    ("organisation/audit_chain.py", "AuditChainHead.objects"): "the chain's head, created once",
    ("organisation/summaries.py", "DataVersion.objects.filter(pk=VERSION_NAME)"): "the cache's version counter",
    ("organisation/summaries.py", "DataVersion.objects"): "the cache's version counter",
    ("organisation/views.py", "PendingImport.objects.filter(user=request.user, kind=found.name)"):
        "an upload awaiting confirmation",
    ("organisation/views.py", "PendingImport.objects"): "an upload awaiting confirmation",
    ("organisation/interchange/importing.py", "mine.filter(confirmed_at__isnull=True)"):
        "an upload claimed by its confirm",
    ("organisation/demo.py", "user"): "a demo user account",
    ("organisation/synthetic.py", "User.objects"): "a synthetic user account",
    ("organisation/roles.py", "Group.objects"): "the roles, created by a migration",
    ("organisation/interchange/writing.py", "workbook"): "an export written to memory",
    ("kpis/report.py", "book"): "a report written to memory",
    ("risks/committee.py", "book"): "the register download written to memory",
    ("packs/charts.py", "image"): "a chart drawn in memory",
    ("programmes/documents.py", "document"): "a programme report's Word file written to memory",
    ("programmes/documents.py", "book"): "a programme report's workbook written to memory",
    ("packs/word.py", "document"): "a Word file written to memory",
    ("packs/models.py", "super()"): "Pack.save, which refuses any save but the first (packs.services issues)",
    ("organisation/records.py", "instance"): "the services' first-save helper (services call it)",
    ("organisation/resources.py", "self"): "a Resource's save hook, which each kind fills with a service call",
    ("organisation/admin.py", "reset"): "sends a new account its set-password email",
    ("organisation/accounts.py", "request.session"): "the session",
    ("organisation/typed_work.py", "request.session"): "the session",
}


# Modules that write only what the services derive, called only from the services (and their signals).
SERVICE_MODULES = {"kpis/judging.py": "the stored judgements, written by the services that change their facts",
                   "risks/judging.py": "the stored judgements, written by the services that change their facts",
                   "risks/audit_actions.py": "internal-audit recommendations: its services section is their one "
                                             "write path (the forms, the import and the demo call it)",
                   "risks/controls.py": "controls and acceptances: its writes section is their one write path "
                                        "(the pages, the import, the lock and the demo call it)",
                   "organisation/sso.py": "council sign-in: the accounts, identities and roles a verified ID token "
                                          "makes, links and applies (its writes section), each audited"}


def _app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.endswith("services.py") or relative in SERVICE_MODULES:
                continue
            yield relative, ast.parse(path.read_text(), filename=relative)


def _writes(tree: ast.AST):
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        if any(k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
               for k in node.keywords):
            continue  # ModelForm.save(commit=False) builds an instance and writes nothing
        receiver = ast.unparse(node.func.value)
        yield node.lineno, receiver, node.func.attr


def _is_plain_container(receiver: str) -> bool:
    """dict.update / set.update on a local container, not a queryset or manager."""
    return ".objects" not in receiver and not receiver.endswith(("_set", "managers", "history")) and (
        receiver.split(".")[-1] in {"errors", "_changed_fields", "kwargs", "out", "data", "env", "attrs",
                                    "headers", "found", "context", "extra_context", "query", "defaults"}
        or receiver.startswith(("self.fields", "self._", "errors", "check.")))


def test_no_module_but_a_service_writes_a_domain_record():
    offenders = []
    for relative, tree in _app_modules():
        for line, receiver, method in _writes(tree):
            if (relative, receiver) in ALLOWED or _is_plain_container(receiver):
                continue
            if method in ("set", "update") and receiver in ("cache",):
                continue
            offenders.append(f"{relative}:{line}: {receiver}.{method}()")
    assert not offenders, "writes outside the services:\n" + "\n".join(offenders)


def test_the_allowed_writes_are_still_there():
    """The allow-list names real writes (a stale entry would let a new write hide behind it)."""
    found = {(relative, receiver) for relative, tree in _app_modules() for _, receiver, _ in _writes(tree)}
    stale = {key for key in ALLOWED if key not in found and not key[0].endswith(("accounts.py", "typed_work.py"))}
    assert not stale


def test_every_domain_model_in_the_admin_is_read_only_or_written_through_its_services():
    for model, model_admin in admin.site._registry.items():
        if model.__name__ not in DOMAIN_MODELS.get(model._meta.app_label, ()):
            continue
        assert isinstance(model_admin, (ReadOnlyAdmin, ServiceAdmin)), model.__name__
        if isinstance(model_admin, ServiceAdmin):
            for name in ("save_service", "delete_service"):
                source = inspect.getsource(getattr(type(model_admin), name))
                assert "services." in source, f"{model.__name__}.{name}"


def test_every_import_resource_saves_through_its_services():
    from organisation import interchange

    for kind in interchange.kinds(importable=True):
        source = inspect.getsource(kind.resource_class)
        assert "services." in source or "audit_actions.recommendation_save(" in source, kind.name
        for name in ("save_instance", "delete_instance", "bulk_create", "bulk_update"):
            method = getattr(kind.resource_class, name)
            if name.startswith("bulk") and not kind.resource_class._meta.use_bulk:
                continue
            assert method.__module__ != "import_export.resources", f"{kind.name}: {name} is import-export's own"


# --- at run time ------------------------------------------------------------------------------

def _domain(model) -> bool:
    model = getattr(model, "_meta", None) and model
    return model is not None and model.__name__ in DOMAIN_MODELS.get(model._meta.app_label, ())


def _from_a_service() -> bool:
    return any((frame.filename.endswith("services.py") or frame.filename.endswith(tuple(SERVICE_MODULES)))
               and "/site-packages/" not in frame.filename for frame in inspect.stack(context=0))


@contextmanager
def only_services(monkeypatch):
    """Fail if a domain model is written from anywhere but a services module."""
    writes = []

    def guard(name, original):
        def wrapper(self, *args, **kwargs):
            model = self if isinstance(self, type) else getattr(self, "model", type(self))
            if _domain(model) and not _from_a_service():
                raise AssertionError(f"{model.__name__}.{name} written outside the services")
            writes.append((model.__name__, name))
            return original(self, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(models.Model, "save_base", guard("save", models.Model.save_base))
    monkeypatch.setattr(models.Model, "delete", guard("delete", models.Model.delete))
    for name in ("update", "delete", "bulk_create", "bulk_update"):
        monkeypatch.setattr(models.QuerySet, name, guard(name, getattr(models.QuerySet, name)))
    yield writes


@pytest.fixture
def demo_db(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())


def test_every_route_that_writes_goes_through_the_services(demo_db, monkeypatch, tmp_path):
    from kpis.models import Actual, Indicator
    from placements.models import PlacementCategory
    from risks.models import Risk, ScoringScheme

    officer = make_user("route.officer", "Performance officer", is_staff=True)
    manager = make_user("route.manager", "Service manager",
                        areas=[Indicator.objects.get(code="DPE007").service_area])
    officer_client, manager_client = client_for(officer), client_for(manager)
    quarter = ReportingPeriod.objects.get(year=2019, quarter=1)
    dpe007 = Indicator.objects.get(code="DPE007")
    figure = Actual.objects.get(indicator=dpe007, period=quarter)
    with only_services(monkeypatch) as writes:
        # The entry form, submit and sign-off.
        manager_client.post(f"/performance/entry/{quarter.slug}/{dpe007.service_area_id}/", {
            f"i{i.pk}-{name}": value for i in Indicator.objects.filter(service_area=dpe007.service_area, active=True)
            for name, value in (("value", ""), ("numerator", ""), ("denominator", ""), ("commentary", ""),
                                ("version", Actual.objects.filter(indicator=i).filter(
                                    period__year=2019).values_list("version", flat=True).first() or 0))
        } | {f"i{dpe007.pk}-value": "80", f"i{dpe007.pk}-commentary": "better", f"i{dpe007.pk}-version":
             figure.version, "action": "submit"})
        officer_client.post(f"/performance/submissions/{quarter.slug}/sign-off/", {"confirm": "yes"})
        # A target, an indicator definition, a review, a snapshot.
        officer_client.post(f"/performance/manage/{dpe007.code}/targets/", {"form": "target", "t-period": "2019/20",
                                                                           "t-value": "85"})
        officer_client.post(f"/risks/CRR9/review/{quarter.slug}/", {
            "version": 0, "likelihood": 2, "impact": 7, "tolerance_likelihood": 1, "tolerance_impact": 7,
            "controls": "c", "actions": "a"})
        category = PlacementCategory.objects.first()
        officer_client.post(f"/placements/entry/{quarter.slug}/", {
            f"c{c.pk}-{k}": v for c in PlacementCategory.objects.filter(active=True)
            for k, v in (("children", 1 if c == category else 0), ("weekly_cost", 100), ("version", 0))})
        # The web import and import_data.
        officer_client.post("/imports/actuals/", {"file": SimpleUploadedFile(
            "a.csv", b"code,period,value,commentary\nDPE007,2019/20 Q1,81,better still\n")})
        officer_client.post(f"/imports/actuals/{PendingImport.objects.get().pk}/confirm/")
        path = tmp_path / "a.csv"
        path.write_text("code,period,value,commentary\nDPE006,2019/20 Q1,70,ok\n")
        call_command("import_data", "actuals", str(path), stdout=io.StringIO())
        # The admin: an indicator, a risk, a heading, a scheme switch.
        officer_client.post(f"/admin/kpis/indicator/{dpe007.pk}/change/", {
            "code": "DPE007", "title": "Pathway plans reviewed on time", "description": "",
            "service_area": dpe007.service_area_id, "polarity": "higher", "unit": "percent", "precision": 1,
            "frequency": "quarterly", "accumulation": "snapshot", "commitment": "", "tolerance": "10", "owner": "",
            "active": "on"})
        officer_client.post("/risks/schemes/", {"scheme": ScoringScheme.objects.get(name="Standard 5x5").pk})
        officer_client.post("/risks/CRR9/move/down/")
        # Locking and reopening.
        officer_client.post(f"/periods/{quarter.pk}/lock/", {"confirm": "on", "sign_off_submitted": "on"})
        officer_client.post(f"/periods/{quarter.pk}/reopen/", {"reason": "Checking the write paths"})
    written = {model for model, _ in writes}
    assert {"Actual", "Target", "Indicator", "RiskReview", "PlacementSnapshot", "ReportingPeriod", "Risk",
            "ScoringScheme"} <= written, written
    assert Actual.objects.get(indicator=dpe007, period=quarter).value == Decimal("81")
    assert Indicator.objects.get(pk=dpe007.pk).tolerance == Decimal("10")
    assert Risk.objects.get(reference="CRR9").register == "directorate"


def test_the_guard_catches_a_write_around_the_services(db, monkeypatch, area_a):
    """The run-time proof would be empty if the guard let writes through."""
    from kpis.models import Indicator
    from tests.kpis.conftest import make_indicator

    make_indicator(area_a, "DPE007")
    with only_services(monkeypatch), pytest.raises(AssertionError, match="outside the services"):
        Indicator.objects.filter(code="DPE007").update(title="changed around the services")
    with only_services(monkeypatch), pytest.raises(AssertionError, match="outside the services"):
        Indicator.objects.get(code="DPE007").save()
