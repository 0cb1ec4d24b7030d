import pytest

from applications import services
from applications.choices import LicenceStatus as L
from audit.models import AuditEvent
from vasp_licensing.errors import InvalidTransition, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


def test_approval_issues_a_licence_with_the_recommended_conditions(licensed_case, licence):
    assert licence.status == L.ACTIVE
    assert list(licence.conditions.values_list("text", flat=True)) == ["Serve professional investors only."]
    assert licence.granted_by == licensed_case.staff.senior_officer


def test_suspend_and_reinstate_with_reasons(licensed_case, licence):
    manager = licensed_case.staff.licensing_manager
    licence = services.licence_suspend(licence=licence, actor=manager, reasons="Custody breach")
    assert (licence.status, licence.status_reason) == (L.SUSPENDED, "Custody breach")
    licence = services.licence_reinstate(licence=licence, actor=manager, reasons="Remediated")
    assert licence.status == L.ACTIVE
    actions = list(AuditEvent.objects.filter(object_type="applications.licence").values_list("action", flat=True))
    assert actions == ["licence.suspend", "licence.reinstate"]


def test_a_licence_action_needs_reasons(licensed_case, licence):
    with pytest.raises(ValidationFailed, match="Reasons"):
        services.licence_suspend(licence=licence, actor=licensed_case.staff.licensing_manager, reasons="")


def test_a_firm_admin_may_surrender_but_not_revoke(licensed_case, licence):
    with pytest.raises(NotPermitted):
        services.licence_revoke(licence=licence, actor=licensed_case.firm_admin, reasons="No")
    licence = services.licence_surrender(licence=licence, actor=licensed_case.firm_admin, reasons="Exit market")
    assert licence.status == L.SURRENDERED


def test_a_revoked_licence_stays_revoked(licensed_case, licence):
    licence = services.licence_revoke(licence=licence, actor=licensed_case.staff.senior_officer, reasons="Fraud")
    with pytest.raises(InvalidTransition):
        services.licence_reinstate(licence=licence, actor=licensed_case.staff.senior_officer, reasons="Oops")
    with pytest.raises(InvalidTransition):
        services.licence_conditions_vary(
            licence=licence, actor=licensed_case.staff.senior_officer, reasons="x", impose=["New"]
        )


def test_varying_conditions_lifts_and_imposes_without_editing(licensed_case, licence):
    old = licence.conditions.get()
    services.licence_conditions_vary(
        licence=licence,
        actor=licensed_case.staff.senior_officer,
        reasons="Retail access allowed",
        impose=["Retail investors limited to large-cap tokens."],
        lift=[old.pk],
    )
    old.refresh_from_db()
    assert old.lifted_by == licensed_case.staff.senior_officer
    in_force = licence.conditions.filter(lifted_at__isnull=True)
    assert list(in_force.values_list("text", flat=True)) == ["Retail investors limited to large-cap tokens."]


def test_varying_refuses_conditions_of_another_licence(licensed_case, licence):
    with pytest.raises(ValidationFailed, match="not in force"):
        services.licence_conditions_vary(
            licence=licence, actor=licensed_case.staff.senior_officer, reasons="x", lift=[999999]
        )
