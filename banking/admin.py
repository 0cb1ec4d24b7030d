"""Partner banks, referrals, webhook deliveries and idempotency keys in the admin.

A bank's contact details and endpoint are edited here (audited); its credentials never are: they
are printed once by `manage.py bank_create` and rotated by `manage.py bank_credentials`, and no
secret is shown on any page. Referrals and deliveries are records the services write; the one
thing done to a delivery here, a replay, goes through banking.services.webhook_replay.
"""

import json
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.validators import URLValidator
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django_fsm_log.admin import StateLogInline

from accounts.signed_in import signed_in_user
from audit.admin import AuditedAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline, pretty_json
from banking.models import IdempotencyRecord, PartnerBank, Referral, ReferralAnswer, WebhookAttempt, WebhookDelivery
from banking.selectors import failing_deliveries
from banking.services import webhook_replay
from vasp_licensing.errors import NotPermitted
from vasp_licensing.pages import attempt

ERROR_COLUMN_CHARS = 80


class PartnerBankForm(forms.ModelForm):
    webhook_url = forms.URLField(
        assume_scheme="https",
        required=False,
        max_length=500,
        help_text=(
            "Where signed webhooks go (http or https). Deliveries queued already keep the URL they were "
            "queued with; replay them to send them to the new one."
        ),
    )
    scopes = forms.MultipleChoiceField(
        choices=list(settings.API_SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What the bank's tokens may do. Tokens issued already keep their scopes until they expire.",
    )

    class Meta:
        model = PartnerBank
        fields = ("is_active", "webhook_url", "scopes", "contact_email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["scopes"] = self.instance.scope_list

    def clean_scopes(self) -> str:
        chosen = set(self.cleaned_data["scopes"])
        return " ".join(scope for scope in settings.API_SCOPES if scope in chosen)  # in a stable order

    def clean_webhook_url(self) -> str:
        url: str = (self.cleaned_data["webhook_url"] or "").strip()
        if url:
            # URLField would also take ftp://; a bank's endpoint is HTTP.
            URLValidator(schemes=["http", "https"])(url)
        return url


class FailingEndpointFilter(admin.SimpleListFilter):
    title = "webhook endpoint"
    parameter_name = "endpoint"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("failing", "Failing"), ("healthy", "No failing deliveries")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # On PartnerBankAdmin's annotation, so the filter and the "failing deliveries" column always agree.
        if self.value() == "failing":
            return queryset.filter(failing_count__gt=0)
        if self.value() == "healthy":
            return queryset.filter(failing_count=0)
        return queryset


@admin.register(PartnerBank)
class PartnerBankAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = PartnerBankForm
    list_display = ("name", "is_active", "webhook_url", "failing_count", "contact_email", "created_at")
    list_filter = ("is_active", FailingEndpointFilter)
    search_fields = ("name", "contact_email")
    fieldsets = (
        (None, {"fields": ("name", "is_active", "webhook_url", "scopes", "contact_email")}),
        (
            "Credentials",
            {
                "fields": ("client_id", "created_at", "credentials_rotated_at"),
                "description": (
                    "The client secret and the webhook signing secret are shown once, when "
                    "<code>manage.py bank_create</code> or <code>manage.py bank_credentials</code> prints them."
                ),
            },
        ),
    )
    readonly_fields = ("name", "client_id", "created_at", "credentials_rotated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerBank]:
        queryset = super().get_queryset(request).select_related("oauth_application")
        return queryset.annotate(failing_count=Count("deliveries", filter=failing_deliveries("deliveries__")))

    # Registering prints credentials that must be seen once (bank_create); a bank with referrals is kept.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="failing deliveries", ordering="failing_count")
    def failing_count(self, bank: Any) -> int:
        return int(bank.failing_count)

    @admin.display(description="OAuth client id")
    def client_id(self, bank: PartnerBank) -> str:
        return bank.oauth_application.client_id if bank.oauth_application else "none"


class DeliveryOfReferralInline(ReadOnlyInline):
    model = WebhookDelivery
    fields = ("webhook_id", "event_type", "status", "attempt_count", "last_status_code", "created_at")


class AnswerOfReferralInline(ReadOnlyInline):
    model = ReferralAnswer
    fields = ("created_at", "author", "question", "text")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("consent_reference", "firm", "bank", "status", "created_at", "status_changed_at")
    list_filter = ("status", "bank")
    list_select_related = ("firm", "bank")
    search_fields = ("consent_reference", "firm__legal_name_en", "firm__legal_name_zh")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        ("consent_reference", "public_id"),
        ("firm", "bank"),
        ("application", "licence"),
        "status",
        ("decline_reason", "cancel_reason"),
        "bank_note",
        ("consent_given_by", "consent_given_at"),
        "consent_text",
        ("created_at", "status_changed_at", "updated_at"),
    )
    inlines = (AnswerOfReferralInline, DeliveryOfReferralInline, StateLogInline)


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ("number", "attempted_at", "status_code", "duration_ms", "succeeded", "error", "response_excerpt")
    show_change_link = False  # attempts have no page of their own


class FailingDeliveryFilter(admin.SimpleListFilter):
    title = "failing"
    parameter_name = "failing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Failing (given up, or retrying after a failure)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> QuerySet[WebhookDelivery]:
        return queryset.filter(failing_deliveries()) if self.value() == "yes" else queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "webhook_id",
        "event_type",
        "bank",
        "status",
        "attempt_count",
        "last_status_code",
        "last_error_excerpt",
        "next_attempt_at",
        "created_at",
    )
    list_filter = (FailingDeliveryFilter, "status", "event_type", "bank")
    list_select_related = ("bank",)
    search_fields = ("=webhook_id", "referral__consent_reference", "licence__number", "bank__name")
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ("replay_selected",)
    fields = (
        ("webhook_id", "event_type"),
        ("bank", "url"),
        ("referral", "licence"),
        ("status", "attempt_count", "next_attempt_at"),
        ("last_status_code", "last_error"),
        ("created_at", "delivered_at"),
        "body_json",
    )
    readonly_fields = ("body_json",)
    inlines = (WebhookAttemptInline,)

    @admin.display(description="last error")
    def last_error_excerpt(self, delivery: WebhookDelivery) -> str:
        error = delivery.last_error
        return error if len(error) <= ERROR_COLUMN_CHARS else error[: ERROR_COLUMN_CHARS - 1] + "…"

    @admin.display(description="body (pretty-printed; the signature covers the bytes as stored)")
    def body_json(self, delivery: WebhookDelivery) -> SafeString:
        return pretty_json(json.loads(delivery.body))

    # Anyone who sees the list is offered the action; webhook_replay decides who may replay, as on every door.
    @admin.action(description="Replay selected deliveries")
    def replay_selected(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        replayed = []
        for delivery in queryset.select_related("bank").order_by("pk"):
            replay = attempt(request, partial(webhook_replay, delivery=delivery, actor=signed_in_user(request)))
            if replay.refusal is not None:
                self.message_user(request, str(replay.refusal), messages.ERROR)
                if isinstance(replay.refusal, NotPermitted):
                    return  # about the user, not the delivery: once is enough
            else:
                replayed.append(delivery.webhook_id)
        if replayed:
            self.message_user(
                request, f"Replaying {len(replayed)} with their webhook-ids: {', '.join(replayed)}.", messages.SUCCESS
            )


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key", "bank", "state", "response_status", "created_at", "completed_at")
    list_filter = ("state", "bank")
    list_select_related = ("bank",)
    search_fields = ("=key",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ("bank", "key", "fingerprint", "state", "response_status", "response_json", "created_at", "completed_at")
    readonly_fields = ("response_json",)

    @admin.display(description="response body")
    def response_json(self, record: IdempotencyRecord) -> SafeString:
        return pretty_json(record.response_body)
