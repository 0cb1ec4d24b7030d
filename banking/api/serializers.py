"""What banks read and send, over the API and in webhooks. Read serializers take the selectors' prefetched
objects; nothing here writes. Every link is absolute on SITE_URL (vasp_licensing.links)."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.api.serializers import (
    FirmIdentitySerializer,
    LicenceConditionSerializer,
    LicenceTypeSummarySerializer,
    VerifiedFirmSerializer,
)
from applications.choices import ApplicationStatus, PersonRoleKind
from applications.models import Firm, Licence
from banking.choices import BankReportedStatus, CancelReason, DeclineReason, ReferralStatus
from banking.models import Referral
from banking.selectors import people_in_role
from vasp_licensing.links import absolute_reverse


def referral_url(referral: Referral) -> str:
    return absolute_reverse("v1:bank-referral-detail", args=[referral.public_id])


def licence_url(licence: Licence) -> str:
    return absolute_reverse("v1:licence-verify", kwargs={"number": licence.number})


class FirmPackSerializer(VerifiedFirmSerializer):
    website = serializers.CharField(allow_blank=True)


class PackLicenceSerializer(serializers.Serializer):
    number = serializers.CharField()
    licence_type = LicenceTypeSummarySerializer()
    status = serializers.CharField(help_text="active, suspended, revoked or surrendered.")
    granted_at = serializers.DateTimeField()
    conditions = LicenceConditionSerializer(many=True, source="conditions_in_force")


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
    licence_type = LicenceTypeSummarySerializer()


class ReferralSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    firm = FirmIdentitySerializer()
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
        return referral_url(referral)


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


class FirmAnswerSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The firm's answer to your request for information (your note then).")
    answered_at = serializers.DateTimeField(source="created_at")


class ReferralDetailSerializer(ReferralSerializer):
    data_pack = DataPackSerializer(source="*")
    firm_answers = FirmAnswerSerializer(
        many=True, source="answers", help_text="The firm's answers to your requests for information, oldest first."
    )

    class Meta(ReferralSerializer.Meta):
        fields = [*ReferralSerializer.Meta.fields, "data_pack", "firm_answers"]
        read_only_fields = fields


class WebhookFirmSerializer(FirmIdentitySerializer):
    """The firm as the API's referrals show it, except that a firm without an LEI has "lei": null in webhooks
    (the API writes ""): banks' webhook handlers have always received null."""

    def to_representation(self, instance: Firm) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        data["lei"] = data["lei"] or None
        return data


class ReferralEventSerializer(serializers.Serializer):
    """`data` of referral.created and referral.cancelled: enough to recognise the referral; the data pack itself
    is fetched over the API with a token. cancel_reason only on a cancelled referral."""

    referral_id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    consent_reference = serializers.CharField()
    firm = WebhookFirmSerializer()
    url = serializers.SerializerMethodField()
    cancel_reason = serializers.CharField()

    def get_url(self, referral: Referral) -> str:
        return referral_url(referral)

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        if instance.status != ReferralStatus.CANCELLED:
            del data["cancel_reason"]
        return data


class LicenceEventSerializer(serializers.Serializer):
    """`data` of licence.updated; the context's `change` says what happened (suspended, revoked, ...)."""

    licence_number = serializers.CharField(source="number")
    status = serializers.CharField()
    change = serializers.SerializerMethodField()
    licence_type = serializers.CharField(source="licence_type.code")
    conditions = serializers.SerializerMethodField()
    firm = WebhookFirmSerializer()
    url = serializers.SerializerMethodField()

    def get_change(self, licence: Licence) -> str:
        return str(self.context["change"])

    def get_conditions(self, licence: Licence) -> list[str]:
        return list(licence.conditions.in_force().values_list("text", flat=True))

    def get_url(self, licence: Licence) -> str:
        return licence_url(licence)


class StrictCharField(serializers.CharField):
    """Text must arrive as a JSON string; DRF would turn 0 or true into "0" or "True"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictInputSerializer(serializers.Serializer):
    """Unknown fields are a 400: a misspelt field must not be dropped without a word."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, "This field is not part of the request."))
        return attrs


class ReferralProgressReportSerializer(StrictInputSerializer):
    """Schema only: a report of progress (no reason code)."""

    status = serializers.ChoiceField(
        choices=[(value, label) for value, label in BankReportedStatus.choices if value != BankReportedStatus.DECLINED]
    )
    note = StrictCharField(required=False, allow_blank=True, max_length=2000)


class ReferralDeclineReportSerializer(StrictInputSerializer):
    """Schema only: a decline, with its reason code."""

    status = serializers.ChoiceField(choices=[(BankReportedStatus.DECLINED.value, BankReportedStatus.DECLINED.label)])
    reason_code = serializers.ChoiceField(choices=DeclineReason.choices)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000)


class ReferralStatusUpdateSerializer(StrictInputSerializer):
    """What the status endpoint validates; the schema shows it as one of the two shapes above."""

    status = serializers.ChoiceField(choices=BankReportedStatus.choices)
    reason_code = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True, help_text="Required with declined, only then."
    )
    note = StrictCharField(
        required=False, allow_blank=True, max_length=2000, help_text="Shown to the firm, e.g. what the bank needs."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        declined = attrs["status"] == BankReportedStatus.DECLINED
        if declined and not attrs.get("reason_code"):
            raise serializers.ValidationError({"reason_code": "A decline needs a reason code."})
        if not declined and attrs.get("reason_code"):
            raise serializers.ValidationError({"reason_code": "A reason code goes with declined only."})
        return attrs
