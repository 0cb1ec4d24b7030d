"""Who may act on screening hits. Adjudication is the assigned case officer's, like every step of the review."""

from typing import TYPE_CHECKING

import rules

from accounts.rules import is_case_officer, is_regulator
from accounts.signed_in import AnyUser

if TYPE_CHECKING:
    from screening.models import ScreeningHit


@rules.predicate
def is_assigned_to_hit_case(user: AnyUser, hit: "ScreeningHit | None") -> bool:
    return (
        hit is not None
        and hit.application.assigned_officer_id is not None
        and (hit.application.assigned_officer_id == user.pk)
    )


rules.add_perm("screening.view_hits", is_regulator)
rules.add_perm("screening.adjudicate_hit", is_case_officer & is_assigned_to_hit_case)
