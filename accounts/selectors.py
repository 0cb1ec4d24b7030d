from django.db.models import QuerySet

from accounts.choices import RegulatorRole
from accounts.models import User


def active_case_officers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=RegulatorRole.CASE_OFFICER).order_by("email")
