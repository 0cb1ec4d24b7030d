"""What a case waits on: the recommendation without a decision, the request the firm has not answered."""

from applications.models import LicenceApplication
from reviews.models import InformationRequest, Recommendation


def recommendation_pending(*, application: LicenceApplication) -> Recommendation | None:
    """The latest recommendation no decision has been made on yet, if any."""
    return application.recommendations.filter(decision__isnull=True).order_by("-created_at", "-pk").first()


def information_request_unanswered(*, application: LicenceApplication) -> InformationRequest | None:
    """The latest request for information the firm has not responded to, if any."""
    return application.information_requests.filter(responded_at__isnull=True).order_by("-created_at").first()
