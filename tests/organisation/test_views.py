import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from organisation import interchange
from organisation.models import PendingImport, ReportingPeriod, ServiceArea
from tests.organisation.test_interchange import KIND

EVERYONE_BUT_OFFICER = ["manager_a", "manager_b", "executive", "audit", "outsider"]


@pytest.fixture(autouse=True)
def _registered():
    interchange.register(KIND)
    yield
    interchange.registry._KINDS.pop("areas", None)


# --- home --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("persona", "text"),
    [
        ("manager_a", "Service manager"),
        ("officer", "Performance officer"),
        ("executive", "Executive"),
        ("audit", "Audit committee"),
        ("outsider", "Your account has no role yet"),
    ],
    indirect=["persona"],
)
def test_home_names_each_role_and_what_it_may_do(persona, text):
    response = persona.get("/home/")
    assert response.status_code == 200
    assert text in response.content.decode()


def test_a_service_manager_sees_their_service_areas(manager_a):
    assert "Children &amp; Families Services" in manager_a.get("/home/").content.decode()


def test_navigation_follows_the_role(officer, audit):
    officer_page = officer.get("/home/").content.decode()
    audit_page = audit.get("/home/").content.decode()
    assert 'href="/periods/"' in officer_page and 'href="/imports/"' in officer_page
    assert 'href="/periods/"' not in audit_page and 'href="/imports/"' not in audit_page


def test_home_query_count_is_fixed(manager_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        manager_a.get("/home/")


def test_signed_in_users_are_sent_from_root_and_login_to_home(officer):
    assert officer.get("/").url == "/home/"
    assert officer.get("/login/").url == "/home/"


def test_sign_in_with_a_wrong_password_says_so(anonymous, officer_user):
    response = anonymous.post("/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a correct username and password" in page
    assert "<title>Error: Sign in" in page


def test_sign_in_with_blank_fields_links_errors_to_the_fields(anonymous, db):
    page = anonymous.post("/login/", {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your username' in page
    assert 'href="#id_password">Enter your password' in page


def test_sign_in_and_out(anonymous, officer_user):
    response = anonymous.post("/login/", {"username": "officer", "password": "pw-for-tests-only"})
    assert response.url == "/home/"
    assert anonymous.post("/logout/").url == "/login/"
    assert anonymous.get("/home/").status_code == 302


def test_unknown_pages_get_the_styled_404(officer):
    response = officer.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- periods -------------------------------------------------------------------

@pytest.mark.parametrize("persona", EVERYONE_BUT_OFFICER, indirect=True)
def test_only_officers_manage_periods(persona, open_quarter):
    assert persona.get("/periods/").status_code == 403
    assert persona.get(f"/periods/{open_quarter.pk}/lock/").status_code == 403
    assert persona.post(f"/periods/{open_quarter.pk}/lock/", {"confirm": "on"}).status_code == 403
    assert persona.post(f"/periods/{open_quarter.pk}/reopen/", {"reason": "x"}).status_code == 403
    assert persona.post("/periods/open-next/").status_code == 403
    open_quarter.refresh_from_db()
    assert not open_quarter.is_locked


def test_the_403_page_is_styled(executive):
    assert "You do not have access to this page" in executive.get("/periods/").content.decode()


@pytest.fixture
def figures(area_a, open_quarter):
    from tests.kpis.conftest import make_indicator, set_actual, set_target

    drafted, sent = make_indicator(area_a, "DPE007"), make_indicator(area_a, "DPE006")
    for indicator in (drafted, sent):
        set_target(indicator, "2019/20", 90)
    set_actual(drafted, "2019/20 Q1", 95)
    set_actual(sent, "2019/20 Q1", 70, state="submitted", commentary="short-staffed")
    return drafted, sent


def test_locking_says_what_is_outstanding_and_asks_for_confirmation(officer, open_quarter, figures):
    page = officer.get(f"/periods/{open_quarter.pk}/lock/").content.decode()
    assert "1 figure not submitted (1 draft)" in page and "1 submitted figure not yet signed off" in page
    response = officer.post(f"/periods/{open_quarter.pk}/lock/", {})
    assert response.status_code == 400 and "Confirm that you want to lock the quarter" in response.content.decode()
    open_quarter.refresh_from_db()
    assert not open_quarter.is_locked


def test_locking_signs_off_what_was_submitted_and_records_the_judgement(officer, open_quarter, figures):
    from kpis.models import Actual
    from organisation.models import AuditEvent

    response = officer.post(f"/periods/{open_quarter.pk}/lock/",
                            {"confirm": "on", "sign_off_submitted": "on", "reason": "Q1 report"}, follow=True)
    assert "2019/20 Q1 is locked." in response.content.decode()
    open_quarter.refresh_from_db()
    assert open_quarter.is_locked
    sent = Actual.objects.get(indicator__code="DPE006")
    assert (sent.state, sent.signed_status, sent.signed_target) == ("signed_off", "Well below target", 90)
    assert Actual.objects.get(indicator__code="DPE007").state == "draft"  # never reported
    event = AuditEvent.objects.get(action="locked")
    assert event.period == open_quarter and event.reason == "Q1 report" and "1 signed off at the lock" in event.detail


def test_reopening_needs_a_reason_which_goes_in_the_trail(officer, locked_quarter):
    from organisation.models import AuditEvent

    response = officer.post(f"/periods/{locked_quarter.pk}/reopen/", {"reason": "  "})
    assert response.status_code == 400 and "Give the reason for reopening the quarter" in response.content.decode()
    locked_quarter.refresh_from_db()
    assert locked_quarter.is_locked
    officer.post(f"/periods/{locked_quarter.pk}/reopen/", {"reason": "Correcting DPE007"})
    locked_quarter.refresh_from_db()
    assert not locked_quarter.is_locked
    assert AuditEvent.objects.get(action="reopened").reason == "Correcting DPE007"


def test_an_officer_opens_the_next_quarter(officer, open_quarter):
    officer.post("/periods/open-next/")
    assert ReportingPeriod.objects.get(year=2019, quarter=2).state == "open"


def test_a_year_or_a_missing_period_is_not_found(officer, open_quarter):
    year = ReportingPeriod.for_label("2019/20")
    assert officer.get(f"/periods/{year.pk}/lock/").status_code == 404
    assert officer.post(f"/periods/{year.pk}/reopen/", {"reason": "x"}).status_code == 404
    assert officer.get("/periods/999999/lock/").status_code == 404
    assert officer.get(f"/periods/{open_quarter.pk}/open-next/").status_code == 404


def test_the_periods_page_query_count_does_not_grow(officer, django_assert_max_num_queries):
    for year in range(2010, 2012):
        for q in (1, 2, 3, 4):
            ReportingPeriod.for_label(f"{year}/{(year + 1) % 100:02d} Q{q}")
    with django_assert_max_num_queries(8) as small:
        officer.get("/periods/")
    for year in range(2012, 2030):
        for q in (1, 2, 3, 4):
            ReportingPeriod.for_label(f"{year}/{(year + 1) % 100:02d} Q{q}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        officer.get("/periods/")


# --- imports -----------------------------------------------------------------

def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize("persona", EVERYONE_BUT_OFFICER, indirect=True)
def test_only_officers_import(persona):
    before = ServiceArea.objects.count()
    assert persona.get("/imports/").status_code == 403
    assert persona.get("/imports/areas/").status_code == 403
    assert persona.get("/imports/areas/template.csv").status_code == 403
    response = persona.post("/imports/areas/", {"file": upload("a.csv", b"directorate,service_area\nP,X\n")})
    assert response.status_code == 403
    assert ServiceArea.objects.count() == before


def test_the_import_index_lists_the_kinds_and_templates(officer):
    page = officer.get("/imports/").content.decode()
    assert "Import service areas" in page and "/imports/areas/template.xlsx" in page


def test_a_template_downloads(officer):
    response = officer.get("/imports/areas/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="areas-template.csv"'
    assert response.content == b"\xef\xbb\xbfdirectorate,service_area\r\n"  # Excel reads it as UTF-8


def test_unknown_kinds_and_formats_are_not_found(officer):
    assert officer.get("/imports/widgets/").status_code == 404
    assert officer.get("/imports/areas/template.pdf").status_code == 404


def test_upload_preview_then_confirm(officer):
    response = officer.post("/imports/areas/", {"file": upload("a.csv", b"directorate,service_area\nPeople,X\n")})
    page = response.content.decode()
    assert "Check the import before you confirm it" in page and "New directorate: People" in page
    assert not ServiceArea.objects.exists()
    pending = PendingImport.objects.get()
    response = officer.post(f"/imports/areas/{pending.pk}/confirm/", follow=True)
    assert "Imported a.csv: 1 new, 0 updated, 0 unchanged, 0 errors." in response.content.decode("utf-8-sig")
    assert ServiceArea.objects.get().name == "X"
    done = PendingImport.objects.get()  # kept, stamped confirmed, its file let go
    assert done.confirmed_at is not None and bytes(done.content) == b""


def test_a_file_with_errors_shows_them_and_offers_no_confirm(officer):
    response = officer.post("/imports/areas/", {"file": upload("a.csv", b"directorate,service_area\nPeople,\n")})
    page = response.content.decode()
    assert "nothing has been saved" in page
    assert "row 2, column &quot;service_area&quot;: enter the service area&#x27;s name" in page
    assert "Confirm and import" not in page
    assert not PendingImport.objects.exists() and not ServiceArea.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.pdf", b"%PDF", "must be a CSV (.csv) or Excel (.xlsx) file"),
        ("a.csv", b"", "The chosen file is empty"),
    ],
)
def test_bad_uploads_are_refused_by_the_form(officer, name, content, message):
    response = officer.post("/imports/areas/", {"file": upload(name, content)})
    page = response.content.decode()
    assert message in page and "<title>Error:" in page


def test_a_missing_file_is_refused(officer):
    assert "Choose a CSV or Excel file to upload" in officer.post("/imports/areas/", {}).content.decode()


def test_a_huge_file_is_refused(officer, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = officer.post("/imports/areas/", {"file": upload("a.csv", b"directorate,service_area\n" + b"P,X\n" * 50)})
    assert "must be smaller than" in response.content.decode()
    assert not ServiceArea.objects.exists()


def test_another_users_pending_import_cannot_be_confirmed(officer, db):
    from organisation import roles
    from tests.conftest import client_for, make_user

    officer.post("/imports/areas/", {"file": upload("a.csv", b"directorate,service_area\nPeople,X\n")})
    pending = PendingImport.objects.get()
    other = client_for(make_user("officer2", roles.PERFORMANCE_OFFICER))
    assert other.post(f"/imports/areas/{pending.pk}/confirm/").status_code == 404
    assert not ServiceArea.objects.exists()


def test_form_fields_are_rendered_with_govuk_classes_and_error_links(anonymous, db):
    page = anonymous.post("/login/", {"username": "", "password": ""}).content.decode()
    assert 'class="govuk-input govuk-!-width-two-thirds govuk-input--error"' in page
    assert 'aria-describedby="id_username-error"' in page
    assert '<p id="id_username-error" class="govuk-error-message">' in page


def test_a_server_error_shows_the_styled_500_page(officer, settings):
    settings.ROOT_URLCONF = "tests.organisation.urls_boom"
    officer.raise_request_exception = False
    response = officer.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
