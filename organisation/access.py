"""Every "may this user ..." rule, in one place.

Views, forms, querysets and exports ask these functions; nothing else decides
access. Rules take plain values (a service area id, a register level, a
period) so they can be asked before any object is loaded.

Roles are Django groups (see roles.py); a superuser may do everything.
What a user's roles and service areas are is read once per request and kept
on the user object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import roles

if TYPE_CHECKING:

    from .models import ReportingPeriod


# --- who is this? -------------------------------------------------------

def role_names(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def managed_service_area_ids(user) -> frozenset[int]:
    """The service areas this user answers for as a service manager."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_managed_area_ids", None)
    if cached is None:
        cached = frozenset(user.managed_service_areas.values_list("id", flat=True))
        user._managed_area_ids = cached
    return cached


def _has_role(user, role: str) -> bool:
    return role in role_names(user)


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def users_with_role(role: str):
    """The active users who hold a role (for who is told what: reminders and escalations)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, groups__name=role).distinct()


def is_performance_officer(user) -> bool:
    return is_admin(user) or _has_role(user, roles.PERFORMANCE_OFFICER)


def is_executive(user) -> bool:
    return _has_role(user, roles.EXECUTIVE)


def is_audit_committee(user) -> bool:
    return _has_role(user, roles.AUDIT_COMMITTEE)


def is_service_manager(user) -> bool:
    return _has_role(user, roles.SERVICE_MANAGER)


def primary_role(user) -> str | None:
    """The role a home page is made for (the most powerful one held)."""
    if is_performance_officer(user):
        return roles.PERFORMANCE_OFFICER
    for role in (roles.EXECUTIVE, roles.SERVICE_MANAGER, roles.AUDIT_COMMITTEE):
        if _has_role(user, role):
            return role
    return None


def reads_the_record(user) -> bool:
    """The executive and the audit committee land on the last quarter reported (the latest locked one);
    those who enter and check figures land on the quarter open for entry."""
    return (is_executive(user) or is_audit_committee(user)) and not (
        is_performance_officer(user) or is_service_manager(user))


def manages_service_area(user, service_area_id: int | None) -> bool:
    return (
        service_area_id is not None
        and is_service_manager(user)
        and service_area_id in managed_service_area_ids(user)
    )


def _period_open(period: ReportingPeriod | None) -> bool:
    return period is not None and not period.is_year and not period.is_locked


# --- organisation and periods ---------------------------------------------

def can_manage_periods(user) -> bool:
    """Open, lock and reopen reporting periods."""
    return is_performance_officer(user)


def can_import(user) -> bool:
    """Upload spreadsheets of indicators, targets, actuals, risks or placements."""
    return is_performance_officer(user)


def can_view_audit(user) -> bool:
    """Read and export the audit trail (locks, reopens, sign-offs, scheme switches, admin changes)."""
    return is_performance_officer(user) or is_audit_committee(user)


def can_view_history(user) -> bool:
    """See the change history of figures, targets and risk reviews (read-only)."""
    return is_performance_officer(user) or is_audit_committee(user) or is_executive(user)


# --- performance indicators --------------------------------------------

def can_view_performance(user) -> bool:
    """Dashboards, indicator pages (with the change history the audit
    committee relies on) and the quarterly report."""
    return is_performance_officer(user) or is_executive(user) or is_service_manager(user) or is_audit_committee(user)


def can_manage_indicators(user) -> bool:
    """Create and edit indicators, targets, commitments and comparators."""
    return is_performance_officer(user)


def can_view_entry(user, service_area_id: int | None) -> bool:
    """See the figures-entry form of a service area (read-only if locked)."""
    return is_performance_officer(user) or manages_service_area(user, service_area_id)


def can_enter_figures(user, service_area_id: int | None, period: ReportingPeriod | None) -> bool:
    """Save or submit figures for a service area's indicators in a period."""
    return _period_open(period) and can_view_entry(user, service_area_id)


def can_sign_off(user) -> bool:
    return is_performance_officer(user)


# --- risks ----------------------------------------------------------------

SERVICE = "service"
DIRECTORATE = "directorate"
CORPORATE = "corporate"


def can_view_risks(user) -> bool:
    """Open any risk register page at all."""
    return (
        is_performance_officer(user)
        or is_executive(user)
        or is_audit_committee(user)
        or is_service_manager(user)
    )


def can_view_risk(user, register: str, service_area_id: int | None) -> bool:
    """One risk: the audit committee sees service risks only once escalated;
    a service manager sees the risks of their own service areas."""
    if is_performance_officer(user) or is_executive(user):
        return True
    if is_audit_committee(user) and register in (DIRECTORATE, CORPORATE):
        return True
    return manages_service_area(user, service_area_id)


def visible_registers(user) -> tuple[str, ...]:
    """Register levels whose whole register this user may read."""
    if is_performance_officer(user) or is_executive(user):
        return (CORPORATE, DIRECTORATE, SERVICE)
    if is_audit_committee(user):
        return (CORPORATE, DIRECTORATE)
    return ()


def risk_visibility(user) -> tuple[tuple[str, ...], frozenset[int]]:
    """For querysets: the whole registers this user reads, and the service
    areas whose risks (at any level) they read - the same rule as can_view_risk."""
    return visible_registers(user), managed_service_area_ids(user) if is_service_manager(user) else frozenset()


def can_manage_risks(user) -> bool:
    """Create, edit, escalate, de-escalate and close risks; choose the scoring scheme."""
    return is_performance_officer(user)


def can_view_review_form(user, service_area_id: int | None) -> bool:
    return is_performance_officer(user) or manages_service_area(user, service_area_id)


def can_review_risk(user, service_area_id: int | None, period: ReportingPeriod | None) -> bool:
    """Record a quarterly review of a risk."""
    return _period_open(period) and can_view_review_form(user, service_area_id)


def can_export_register(user) -> bool:
    return is_performance_officer(user) or is_executive(user) or is_audit_committee(user)


def can_view_exempt(user) -> bool:
    """Read the full detail of risks marked exempt (the exempt appendix)."""
    return is_performance_officer(user) or is_executive(user) or is_audit_committee(user)


# --- internal-audit recommendations -------------------------------------------------

def can_view_audit_actions(user) -> bool:
    """Open the list of internal-audit recommendations and their agreed actions at all (a service manager
    sees those linked to the risks of their own areas: audit_action_areas)."""
    return can_view_risks(user)


def reads_every_audit_action(user) -> bool:
    """The performance team logs them; the audit committee monitors them (CIPFA); the executive answers for
    them: each reads every recommendation."""
    return is_performance_officer(user) or is_executive(user) or is_audit_committee(user)


def can_view_audit_action(user, service_area_ids) -> bool:
    """One recommendation, given the service areas of the risks it is linked to."""
    if reads_every_audit_action(user):
        return True
    return any(manages_service_area(user, area_id) for area_id in service_area_ids or ())


def can_add_audit_actions(user) -> bool:
    """Log internal audit's recommendations and change any of their details."""
    return is_performance_officer(user)


def can_update_audit_action(user, service_area_ids) -> bool:
    """Update a recommendation's agreed action, status and revised due date (with its reason): the
    performance officer, or a manager of the service area of a risk it is linked to."""
    return is_performance_officer(user) or any(manages_service_area(user, area_id)
                                               for area_id in service_area_ids or ())


# --- placements -------------------------------------------------------------

def can_view_placements(user) -> bool:
    """The placements report and its downloads: the audit committee too, whose pack holds it in full
    (whoever may download a pack may open the pages it contains)."""
    return is_performance_officer(user) or is_executive(user) or is_service_manager(user) or is_audit_committee(user)


def can_view_placement_entry(user, owning_service_area_id: int | None) -> bool:
    return is_performance_officer(user) or manages_service_area(user, owning_service_area_id)


def can_enter_placements(user, owning_service_area_id: int | None, period: ReportingPeriod | None) -> bool:
    return _period_open(period) and can_view_placement_entry(user, owning_service_area_id)


# --- committee packs --------------------------------------------------------------

def can_view_packs(user) -> bool:
    """Read and download issued committee packs (Part B only with can_view_exempt)."""
    return is_performance_officer(user) or is_executive(user) or is_audit_committee(user)


def can_issue_packs(user) -> bool:
    """Preview and issue committee packs."""
    return is_performance_officer(user)


# --- programmes -------------------------------------------------------------------

def can_view_programmes(user) -> bool:
    """Programme pages, highlight and closure reports: every role (executives and the audit committee
    read them; owners enter their own programme's assessments and savings)."""
    return is_performance_officer(user) or is_executive(user) or is_service_manager(user) or is_audit_committee(user)


def can_view_programme_entry(user, owning_service_area_id: int | None) -> bool:
    """The assessment and savings forms of a programme (read-only once its quarter is locked): the
    performance team, and the managers of the service area that owns the programme."""
    return is_performance_officer(user) or manages_service_area(user, owning_service_area_id)


def can_enter_programme(user, owning_service_area_id: int | None, period: ReportingPeriod | None) -> bool:
    return _period_open(period) and can_view_programme_entry(user, owning_service_area_id)


def can_manage_programmes(user) -> bool:
    """Set up programmes, objectives, workstreams, benefits, milestones and budgets; sign off assessments."""
    return is_performance_officer(user)
