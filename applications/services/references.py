from django.db import transaction
from django.utils import timezone

from applications.models import ReferenceSequence


def next_reference(*, name: str, prefix: str, width: int, year: int | None = None) -> str:
    """The next number of a yearly series, e.g. VASP-2026-00042. Gap-free among committed numbers."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        ReferenceSequence.objects.get_or_create(name=name, year=year)
        sequence = ReferenceSequence.objects.select_for_update().get(name=name, year=year)
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
    return f"{prefix}-{year}-{sequence.last_value:0{width}d}"


def next_application_reference() -> str:
    return next_reference(name="application", prefix="VASP", width=5)
