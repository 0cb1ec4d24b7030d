"""What banks read and send. Read serializers take the selectors' prefetched objects; nothing here writes."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.choices import ApplicationStatus, PersonRoleKind
from banking.choices import BankReportedStatus, CancelReason, DeclineReason, ReferralStatus
from banking.models import Referral
from banking.selectors import people_in_role


class FirmSummarySerializer(serializers.Serializer):
    legal_name_en = serializers.CharField()
    legal_name_zh = serializers.CharField(allow_blank=True)
    registration_number = serializers.CharField()
    jurisdiction = serializers.CharField(help_text="ISO 3166-1 alpha-2 country of incorporation.")
    lei = serializers.CharField(allow_blank=True, help_text="ISO 17442 Legal Entity Identifier, when the firm has one.")


class FirmPackSerializer(FirmSummarySerializer):
    registered_address = serializers.CharField()
    website = serializers.CharField(allow_blank=True)


class ConditionSerializer(serializers.Serializer):
    text = serializers.CharField()
    imposed_at = serializers.DateTimeField()


class LicenceTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    regime = serializers.CharField()


class PackLicenceSerializer(serializers.Serializer):
    number = serializers.CharField()
    licence_type = LicenceTypeSerializer()
    status = serializers.CharField(help_text="active, suspended, revoked or surrendered.")
    granted_at = serializers.DateTimeField()
    conditions = ConditionSerializer(many=True, source="conditions_in_force")


class PersonSerializer(serializers.Serializer):
    full_name_en = serializers.CharField()
    full_name_zh = serializers.CharField(allow_blank=True)
    nationality = serializers.CharField(allow_blank=True)


class OwnerSerializer(PersonSerializer):
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2)


class ConsentSerializer(serializers.Serializer):
    reference = serializers.CharField(source="consent_reference")
    given_at = serializers.DateTimeField(source="consent_given_at")
    text = serializers.CharField(source="consent_text")


class ApprovalSerializer(serializers.Serializer):
    application_reference = serializers.CharField(source="reference")
    status = serializers.ChoiceField(
        choices=[ApplicationStatus.APPROVED, ApplicationStatus.APPROVED_IN_PRINCIPLE],
        help_text="approved (a licence was issued) or approved_in_principle (no licence yet).",
    )
    decided_at = serializers.DateTimeField()
    licence_type = LicenceTypeSerializer()


class ReferralSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    firm = FirmSummarySerializer()
    decline_reason = serializers.ChoiceField(choices=DeclineReason.choices, allow_blank=True)
    cancel_reason = serializers.ChoiceField(choices=CancelReason.choices, allow_blank=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "url",
            "status",
            "firm",
            "consent_reference",
            "decline_reason",
            "cancel_reason",
            "bank_note",
            "created_at",
            "updated_at",
            "status_changed_at",
        ]
        read_only_fields = fields

    def get_url(self, referral: Referral) -> str:
        return f"{settings.SITE_URL}/api/v1/bank/referrals/{referral.public_id}/"


class DataPackSerializer(serializers.Serializer):
    firm = FirmPackSerializer()
    approval = ApprovalSerializer(source="application")
    licence = serializers.SerializerMethodField()
    responsible_officers = serializers.SerializerMethodField()
    directors = serializers.SerializerMethodField()
    substantial_shareholders = serializers.SerializerMethodField()
    beneficial_owners = serializers.SerializerMethodField()
    consent = ConsentSerializer(source="*")

    @extend_schema_field(PackLicenceSerializer(allow_null=True))
    def get_licence(self, referral: Referral) -> dict[str, Any] | None:
        try:
            licence = referral.application.licence
        except ObjectDoesNotExist:
            return None  # approved in principle: no licence yet
        return dict(PackLicenceSerializer(licence).data)

    def _people(self, referral: Referral, role: str) -> list[dict[str, Any]]:
        return [PersonSerializer(person).data for person, _ in people_in_role(referral, role)]

    def _owners(self, referral: Referral, role: str) -> list[dict[str, Any]]:
        return [
            {**PersonSerializer(person).data, "percentage": f"{percentage:.2f}"}
            for person, percentage in people_in_role(referral, role)
        ]

    @extend_schema_field(PersonSerializer(many=True))
    def get_responsible_officers(self, referral: Referral) -> list[dict[str, Any]]:
        return self._people(referral, PersonRoleKind.RESPONSIBLE_OFFICER)

    @extend_schema_field(PersonSerializer(many=True))
    def get_directors(self, referral: Referral) -> list[dict[str, Any]]:
        return self._people(referral, PersonRoleKind.DIRECTOR)

    @extend_schema_field(OwnerSerializer(many=True))
    def get_substantial_shareholders(self, referral: Referral) -> list[dict[str, Any]]:
        return self._owners(referral, PersonRoleKind.SUBSTANTIAL_SHAREHOLDER)

    @extend_schema_field(OwnerSerializer(many=True))
    def get_beneficial_owners(self, referral: Referral) -> list[dict[str, Any]]:
        return self._owners(referral, PersonRoleKind.BENEFICIAL_OWNER)


class ReferralDetailSerializer(ReferralSerializer):
    data_pack = DataPackSerializer(source="*")

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "data_pack"]
        read_only_fields = fields


class ReferralStatusUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=BankReportedStatus.choices)
    reason_code = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True, help_text="Required with declined, only then."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Shown to the firm, e.g. what the bank needs."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        declined = attrs["status"] == BankReportedStatus.DECLINED
        if declined and not attrs.get("reason_code"):
            raise serializers.ValidationError({"reason_code": "A decline needs a reason code."})
        if not declined and attrs.get("reason_code"):
            raise serializers.ValidationError({"reason_code": "A reason code goes with declined only."})
        return attrs
