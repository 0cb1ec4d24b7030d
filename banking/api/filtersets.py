import django_filters

from banking.choices import ReferralStatus
from banking.models import Referral
from vasp_licensing.api import StrictFilterSet, UTCDateTimeFilter


class ReferralFilterSet(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices)
    updated_after = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        label="Only referrals changed after this ISO 8601 time, e.g. 2026-11-24T09:00:00Z "
        "(poll with the last one seen).",
    )

    class Meta:
        model = Referral
        fields = ["status", "updated_after"]
