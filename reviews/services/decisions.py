"""Recommendations and decisions: the review's record of four eyes.

These write only the review's own rows. They are called from inside the application's transitions
(applications/services/transitions.py), which hold the lock, check the actor and write the audit event.
"""

from collections.abc import Sequence

from accounts.models import User
from applications.models import LicenceApplication
from reviews.models import Decision, Recommendation

SEND_BACK = "send_back"


def recommendation_record(
    *, application: LicenceApplication, actor: User, outcome: str, reasons: str, draft_conditions: Sequence[str]
) -> Recommendation:
    """The maker's recommendation, as the case officer wrote it (texts already cleaned by the transition)."""
    return Recommendation.objects.create(
        application=application,
        made_by=actor,
        outcome=outcome,
        reasons=reasons,
        draft_conditions=list(draft_conditions),
    )


def decision_record(
    *,
    application: LicenceApplication,
    recommendation: Recommendation,
    actor: User,
    outcome: str,
    reasons: str,
    conditions: Sequence[str] = (),
) -> Decision:
    """The checker's decision on `recommendation`, or its sending back (outcome `send_back`, no conditions)."""
    return Decision.objects.create(
        application=application,
        recommendation=recommendation,
        decided_by=actor,
        outcome=outcome,
        reasons=reasons,
        conditions=list(conditions),
    )
