from django.test import Client

from organisation import roles
from organisation.models import AuditEvent

from .conftest import sign_in, signed_in_user


def role_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_service_manager_gets_the_service_areas_the_token_names(sso_on, provider, anonymous, area_a, area_b,
                                                                  open_quarter):
    response = sign_in(anonymous, provider, "ann", {"roles": ["Service.Manager"],
                                                    "areas": ["children & families  services"]})
    assert response.url == "/home/"
    user = signed_in_user(anonymous)
    assert role_names(user) == {roles.SERVICE_MANAGER}
    assert list(user.managed_service_areas.all()) == [area_a]
    assert anonymous.get(f"/performance/entry/2019-20-Q1/{area_a.pk}/").status_code == 200
    assert anonymous.get(f"/performance/entry/2019-20-Q1/{area_b.pk}/").status_code == 403


def test_every_mapped_role_is_given(sso_on, provider, anonymous):
    sign_in(anonymous, provider, "two-hats", {"roles": ["Executive", "Audit.Committee", "Not.Ours"]})
    assert role_names(signed_in_user(anonymous)) == {roles.EXECUTIVE, roles.AUDIT_COMMITTEE}


def test_changed_roles_and_areas_are_applied_at_the_next_sign_in_and_audited(sso_on, provider, area_a, area_b):
    sign_in(Client(), provider, "ann", {"roles": ["Service.Manager"], "areas": [area_a.name]})
    client = Client()
    sign_in(client, provider, "ann", {"roles": ["Service.Manager", "Executive"], "areas": [area_b.name]})
    user = signed_in_user(client)
    assert role_names(user) == {roles.SERVICE_MANAGER, roles.EXECUTIVE}
    assert list(user.managed_service_areas.all()) == [area_b]
    change = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGED, object_label=user.username).first()
    assert change.detail == ("roles: Service manager -> Executive, Service manager; "
                             "service areas: Children & Families Services -> Adult Social Care")
    assert change.user == user and "council sign-in" in change.reason

    sign_in(Client(), provider, "ann", {"roles": ["Executive"], "areas": [area_b.name]})
    user.refresh_from_db()
    assert role_names(user) == {roles.EXECUTIVE}
    assert not user.managed_service_areas.exists()  # areas are for service managers only
    assert AuditEvent.objects.filter(object_label=user.username).first().detail == (
        "roles: Executive, Service manager -> Executive; service areas: Adult Social Care -> none")


def test_a_sign_in_that_changes_nothing_writes_nothing_to_the_audit_trail(sso_on, provider, area_a):
    claims = {"roles": ["Service.Manager"], "areas": [area_a.name]}
    sign_in(Client(), provider, "ann", claims)
    entries = AuditEvent.objects.count()
    sign_in(Client(), provider, "ann", claims)
    assert AuditEvent.objects.count() == entries


def test_a_role_given_in_the_admin_is_taken_away_at_the_next_sign_in(sso_on, provider, anonymous):
    from django.contrib.auth.models import Group

    sign_in(Client(), provider, "eve", {"roles": ["Executive"]})
    from organisation.models import ExternalIdentity

    user = ExternalIdentity.objects.get(subject="eve").user
    user.groups.add(Group.objects.get(name=roles.PERFORMANCE_OFFICER))
    sign_in(anonymous, provider, "eve", {"roles": ["Executive"]})
    assert role_names(user) == {roles.EXECUTIVE}


def test_an_area_the_council_does_not_have_gives_no_area(sso_on, provider, anonymous, area_a):
    sign_in(anonymous, provider, "ann", {"roles": ["Service.Manager"], "areas": ["Highways", area_a.name]})
    assert list(signed_in_user(anonymous).managed_service_areas.all()) == [area_a]


def test_an_area_name_two_directorates_share_gives_neither(sso_on, provider, anonymous, area_a):
    from organisation.models import Directorate, ServiceArea

    ServiceArea.objects.create(directorate=Directorate.objects.create(name="Place"), name=area_a.name)
    sign_in(anonymous, provider, "ann", {"roles": ["Service.Manager"], "areas": [area_a.name]})
    assert not signed_in_user(anonymous).managed_service_areas.exists()


def test_without_an_areas_claim_the_areas_set_in_the_admin_are_kept(sso_on, provider, area_a):
    from organisation.models import ExternalIdentity

    sso_on.OIDC_AREAS_CLAIM = ""
    sign_in(Client(), provider, "ann", {"roles": ["Service.Manager"]})
    user = ExternalIdentity.objects.get(subject="ann").user
    user.managed_service_areas.set([area_a])
    sign_in(Client(), provider, "ann", {"roles": ["Service.Manager"], "areas": []})
    assert list(user.managed_service_areas.all()) == [area_a]
