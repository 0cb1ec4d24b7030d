"""The firm's people who must be fit and proper, with their roles and, for owners, their percentages.

People belong to the firm, not to one application: every draft of the firm lists them. Editing stays
allowed while an application is under review; its submitted snapshot keeps what was filed.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Sum
from django.utils.translation import gettext as _

from accounts.models import User
from applications import choices
from applications.choices import PersonRoleKind
from applications.models import Firm, Person, PersonRole
from applications.services.firms import drafts_declarations_clear
from applications.validators import InvalidFields
from audit import actions
from audit.services import audit_record
from vasp_licensing.errors import NotPermitted, ValidationFailed
from vasp_licensing.transitions import lock

PERSON_FIELDS = (
    "full_name_en",
    "full_name_zh",
    "date_of_birth",
    "nationality",
    "identity_document_number",
    "email",
)
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

# role -> percentage (None for roles without one): {"director": None, "beneficial_owner": Decimal("40")}
Roles = Mapping[str, Decimal | None]


def _require_member(actor: User, firm: Firm) -> None:
    if actor is None or not rules.has_perm("applications.edit_draft", actor, firm):
        raise NotPermitted(_("Only members of %(firm)s may change its people.") % {"firm": firm})


def _percentage_errors(role: PersonRoleKind, percentage: Decimal | None) -> list[str]:
    if role not in choices.ROLES_WITH_PERCENTAGE:
        if percentage is not None:
            return [
                _("A percentage applies only to substantial shareholders and beneficial owners, not to %(role)s.")
                % {"role": role.label}
            ]
        return []
    if percentage is None:
        return [_("Enter the percentage held as %(role)s.") % {"role": role.label}]
    if percentage != percentage.quantize(CENT):
        return [_("Enter the percentage with at most two decimal places.")]
    if percentage > HUNDRED:
        return [_("A percentage cannot be above 100 %%; %(value)s %% was entered.") % {"value": percentage}]
    if role == PersonRoleKind.SUBSTANTIAL_SHAREHOLDER and percentage < choices.SUBSTANTIAL_SHAREHOLDING_MIN_PERCENT:
        return [
            _("A substantial shareholder holds at least %(minimum)s %%; %(value)s %% was entered.")
            % {"minimum": choices.SUBSTANTIAL_SHAREHOLDING_MIN_PERCENT, "value": percentage}
        ]
    if percentage <= 0:
        return [_("A beneficial owner's percentage must be above 0 %.")]
    return []


def _total_errors(firm: Firm, role: PersonRoleKind, percentage: Decimal, person: Person | None) -> list[str]:
    """The firm's beneficial ownership, and its substantial shareholdings, may not add up to more than 100 %."""
    others = PersonRole.objects.filter(person__firm=firm, role=role)
    if person is not None:
        others = others.exclude(person=person)
    held = others.aggregate(total=Sum("percentage"))["total"] or Decimal(0)
    total = held + percentage
    if total <= HUNDRED:
        return []
    if role == PersonRoleKind.BENEFICIAL_OWNER:
        message = _(
            "Beneficial ownership would add up to %(total)s %% across the firm's people; it cannot exceed 100 %%. "
            "Others already hold %(held)s %%."
        )
    else:
        message = _(
            "Substantial shareholdings would add up to %(total)s %% across the firm's people; "
            "they cannot exceed 100 %%. Others already hold %(held)s %%."
        )
    return [message % {"total": total.quantize(CENT), "held": held.quantize(CENT)}]


def _role_errors(firm: Firm, roles: Roles, person: Person | None) -> dict[str, list[str]]:
    """Errors keyed by role value (percentages) or "roles" (the choice of roles itself)."""
    if not roles:
        return {"roles": [_("Choose at least one role.")]}
    unknown = sorted(set(roles) - set(PersonRoleKind.values))
    if unknown:
        return {"roles": [_("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)}]}
    errors: dict[str, list[str]] = {}
    for value, percentage in roles.items():
        role = PersonRoleKind(value)
        problems = _percentage_errors(role, percentage)
        if not problems and percentage is not None:
            problems = _total_errors(firm, role, percentage, person)
        if problems:
            errors[value] = problems
    return errors


def _validate(person: Person, roles: Roles, existing: Person | None) -> None:
    errors = _role_errors(person.firm, roles, existing)
    try:
        person.full_clean(exclude=["firm"])
    except ValidationError as error:
        errors.update(InvalidFields.from_django("", error).field_errors)
    if errors:
        raise InvalidFields(_("The person's details are not valid; nothing was saved."), field_errors=errors)


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields"), details=sorted(unknown))
    clean = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    if isinstance(clean.get("nationality"), str):
        clean["nationality"] = clean["nationality"].upper()
    return clean


def _roles_record(roles: Roles) -> dict[str, str | None]:
    return {role: (str(pct.quantize(CENT)) if pct is not None else None) for role, pct in sorted(roles.items())}


def _person_record(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PERSON_FIELDS}


def _write_roles(person: Person, roles: Roles) -> None:
    person.roles.all().delete()
    PersonRole.objects.bulk_create(PersonRole(person=person, role=role, percentage=pct) for role, pct in roles.items())


def person_create(*, firm: Firm, actor: User, roles: Roles, **fields: Any) -> Person:
    """A new person of the firm with at least one role. Any member of the firm; audited as person.create.

    Raises InvalidFields: a percentage is required for substantial shareholders (10 to 100) and
    beneficial owners (above 0, up to 100), refused for other roles, and the firm's totals of each
    may not pass 100 %. Nothing is written on refusal.
    """
    person = Person(firm=firm, **_fields(fields))
    with transaction.atomic():
        firm = lock(firm)  # totals are checked against every other person, so one change at a time
        _require_member(actor, firm)
        person.firm = firm
        _validate(person, roles, None)
        person.save()
        _write_roles(person, roles)
        cleared = drafts_declarations_clear(firm=firm)
        audit_record(
            actor=actor,
            action=actions.PERSON_CREATE,
            obj=person,
            after={**_person_record(person), "roles": _roles_record(roles)},
            payload={"firm": firm.pk, **({"declarations_cleared": cleared} if cleared else {})},
        )
    return person


def person_update(*, person: Person, actor: User, roles: Roles, **fields: Any) -> Person:
    """Change a person's details and roles (the roles given replace the old ones). Rules as person_create."""
    changes = _fields(fields)
    with transaction.atomic():
        firm = lock(person.firm)
        _require_member(actor, firm)
        person = Person.objects.select_for_update().get(pk=person.pk, firm=firm)
        before = {**_person_record(person), "roles": _roles_record({r.role: r.percentage for r in person.roles.all()})}
        for name, value in changes.items():
            setattr(person, name, value)
        _validate(person, roles, person)
        person.save()
        _write_roles(person, roles)
        after = {**_person_record(person), "roles": _roles_record(roles)}
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return person
        cleared = drafts_declarations_clear(firm=firm)
        audit_record(
            actor=actor,
            action=actions.PERSON_UPDATE,
            obj=person,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            payload={"firm": firm.pk, **({"declarations_cleared": cleared} if cleared else {})},
        )
    return person


def person_remove(*, person: Person, actor: User) -> None:
    """Remove a person from the firm. Refused for someone documents were filed for, or whom the
    regulator's screening named: they stay on record. Audited as person.remove."""
    with transaction.atomic():
        firm = lock(person.firm)
        _require_member(actor, firm)
        person = Person.objects.select_for_update().get(pk=person.pk, firm=firm)
        if person.documents.exists():
            raise ValidationFailed(
                _(
                    "%(name)s cannot be removed: documents were filed for them, so they stay on record. "
                    "Change their roles instead."
                )
                % {"name": person}
            )
        before = {**_person_record(person), "roles": _roles_record({r.role: r.percentage for r in person.roles.all()})}
        pk = person.pk
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError as error:
            raise ValidationFailed(
                _("%(name)s cannot be removed: the regulator's records of an application name them.") % {"name": person}
            ) from error
        person.pk = pk  # the event names the removed person
        cleared = drafts_declarations_clear(firm=firm)
        audit_record(
            actor=actor,
            action=actions.PERSON_REMOVE,
            obj=person,
            before=before,
            payload={"firm": firm.pk, **({"declarations_cleared": cleared} if cleared else {})},
        )
