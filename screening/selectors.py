from django.db.models import QuerySet

from applications.models import LicenceApplication
from screening.choices import BLOCKING_STATUSES, HitStatus
from screening.models import SanctionsEntry, SanctionsNameKey, ScreeningHit


def screening_hits_for_application(*, application: LicenceApplication) -> QuerySet[ScreeningHit]:
    return ScreeningHit.objects.filter(application=application).select_related("entry", "firm", "person")


def screening_hits_blocking(
    *, application: LicenceApplication, statuses: tuple[HitStatus, ...] = BLOCKING_STATUSES
) -> list[ScreeningHit]:
    """Hits that stand in the way of a decision: open ones, and those confirmed true."""
    return list(screening_hits_for_application(application=application).filter(status__in=statuses))


def screening_candidates(*, keys: set[str]) -> QuerySet[SanctionsEntry]:
    """Entries sharing at least one blocking key with a name: the only ones worth scoring."""
    entry_ids = SanctionsNameKey.objects.filter(key__in=keys).values("entry_id")
    return SanctionsEntry.objects.filter(pk__in=entry_ids).only("pk", "name", "aliases", "match_names", "kind")


def screening_open_applications_of_firm(*, firm_id: int) -> QuerySet[LicenceApplication]:
    """Applications of a firm that screening still concerns: submitted, and not yet at an end."""
    return LicenceApplication.objects.open().filter(firm_id=firm_id)
