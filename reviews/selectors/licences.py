"""What the licence pages read: the list, in a fixed number of queries however many licences, and one
licence with its conditions, its proposed and past changes and its audit timeline."""

from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from applications.models import Licence, LicenceCondition
from audit.models import AuditEvent
from reviews.models import LicenceChange, LicenceChangeStatus
from reviews.selectors.case import TimelineEntry


def licence_list(*, status: str | None = None) -> QuerySet[Licence]:
    """Licences by number, with firm and type, and the action of the change proposed on each (or None)."""
    pending = LicenceChange.objects.open().filter(licence=OuterRef("pk"))
    licences = Licence.objects.select_related("firm", "licence_type").annotate(
        pending_action=Subquery(pending.values("action")[:1])
    )
    if status:
        licences = licences.filter(status=status)
    return licences.order_by("number")


def licence_get(*, number: str) -> Licence | None:
    return (
        Licence.objects.select_related("firm", "licence_type", "application", "granted_by")
        .filter(number=number)
        .first()
    )


def licence_timeline(*, licence: Licence) -> QuerySet[AuditEvent]:
    """Every audit event about the licence or a proposed change to it, newest first, in one query."""
    changes = LicenceChange.objects.filter(licence=licence).annotate(key=Cast("pk", CharField())).values("key")
    condition = Q(object_type=licence._meta.label_lower, object_id=str(licence.pk)) | Q(
        object_type=LicenceChange._meta.label_lower, object_id__in=changes
    )
    return AuditEvent.objects.filter(condition).order_by("-sequence")


@dataclass(frozen=True)
class LicencePage:
    licence: Licence
    in_force: list[LicenceCondition]
    lifted: list[LicenceCondition]
    pending: LicenceChange | None
    past: list[LicenceChange]
    timeline: list[TimelineEntry]

    @property
    def pending_lifts(self) -> list[LicenceCondition]:
        """The conditions the pending change would lift, as they read (it stores their ids)."""
        if self.pending is None:
            return []
        ids = set(self.pending.lift)
        return [condition for condition in self.in_force if condition.pk in ids]


def licence_page(*, licence: Licence) -> LicencePage:
    conditions = list(licence.conditions.select_related("imposed_by", "lifted_by"))
    changes = list(LicenceChange.objects.filter(licence=licence).select_related("proposed_by", "decided_by"))
    pending = next((change for change in changes if change.status == LicenceChangeStatus.PROPOSED), None)
    timeline = [TimelineEntry.of(event) for event in licence_timeline(licence=licence)]
    return LicencePage(
        licence=licence,
        in_force=[condition for condition in conditions if condition.lifted_at is None],
        lifted=[condition for condition in conditions if condition.lifted_at is not None],
        pending=pending,
        past=[change for change in changes if change is not pending],
        timeline=timeline,
    )
