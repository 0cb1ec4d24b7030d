from rest_framework import serializers

from applications.choices import LicenceStatus
from applications.models import Licence


class RegisterFirmSerializer(serializers.Serializer):
    legal_name_en = serializers.CharField()
    legal_name_zh = serializers.CharField(allow_blank=True)
    registration_number = serializers.CharField()
    jurisdiction = serializers.CharField(help_text="ISO 3166-1 alpha-2 country of incorporation.")


class FirmIdentitySerializer(RegisterFirmSerializer):
    lei = serializers.CharField(allow_blank=True, help_text="ISO 17442 Legal Entity Identifier, when the firm has one.")


class VerifiedFirmSerializer(FirmIdentitySerializer):
    registered_address = serializers.CharField()


class LicenceConditionSerializer(serializers.Serializer):
    text = serializers.CharField()
    imposed_at = serializers.DateTimeField()


class LicenceTypeSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    regime = serializers.CharField()


class RegisterLicenceSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=LicenceStatus.choices)
    licence_type = LicenceTypeSummarySerializer()
    firm = RegisterFirmSerializer()
    conditions = LicenceConditionSerializer(many=True, source="conditions_in_force")

    class Meta:
        model = Licence
        fields = ["number", "status", "licence_type", "firm", "granted_at", "status_changed_at", "conditions"]
        read_only_fields = fields


class LicenceVerificationSerializer(RegisterLicenceSerializer):
    firm = VerifiedFirmSerializer()  # type: ignore[assignment]
    status_reason = serializers.CharField(allow_blank=True, help_text="Why the status last changed, if it did.")

    class Meta(RegisterLicenceSerializer.Meta):
        fields = [*RegisterLicenceSerializer.Meta.fields, "status_reason"]
        read_only_fields = fields
