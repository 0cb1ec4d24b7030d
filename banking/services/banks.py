"""Partner banks and their credentials: an OAuth client (client credentials) and a webhook signing secret."""

import base64
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import Application

from accounts.models import User
from audit import actions
from audit.services import audit_record
from banking.models import PartnerBank
from vasp_licensing.errors import ValidationFailed
from vasp_licensing.links import absolute_reverse

_validate_url = URLValidator(schemes=["https", "http"])


@dataclass(frozen=True)
class BankCredentials:
    """Shown once: the secrets are stored hashed (client secret) or never printed again (webhook secret)."""

    bank: PartnerBank
    client_id: str
    client_secret: str
    webhook_secret: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "bank": self.bank.name,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "token_url": absolute_reverse("oauth2-token"),
            "api_docs": absolute_reverse("api-docs"),
            "scopes": self.bank.scopes,
            "webhook_url": self.bank.webhook_url or None,
            "webhook_secret": self.webhook_secret,
        }


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _clean_webhook_url(webhook_url: str) -> str:
    webhook_url = (webhook_url or "").strip()
    if webhook_url:
        try:
            _validate_url(webhook_url)
        except ValidationError as error:
            raise ValidationFailed(
                _("The webhook URL %(url)s is not a valid http(s) URL.") % {"url": repr(webhook_url)}
            ) from error
    return webhook_url


def _new_oauth_application(bank: PartnerBank) -> tuple[Application, str, str]:
    client_id, client_secret = generate_client_id(), generate_client_secret()
    application = Application.objects.create(
        name=f"{bank.name} (partner bank)",
        client_id=client_id,
        client_secret=client_secret,  # hashed by the model on save
        hash_client_secret=True,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        user=bank.service_user,
        skip_authorization=True,
    )
    return application, client_id, client_secret


def bank_create(*, name: str, webhook_url: str = "", actor: User | None = None) -> BankCredentials:
    """Register a partner bank with its service user, OAuth client and webhook secret."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A partner bank needs a name."))
    webhook_url = _clean_webhook_url(webhook_url)
    with transaction.atomic():
        if PartnerBank.objects.filter(name__iexact=name).exists():
            raise ValidationFailed(
                _("A partner bank named %(name)s exists already; use bank_credentials to rotate its credentials.")
                % {"name": repr(name)}
            )
        # The bank's actor in the audit trail and fsm-log; it never signs in with a password.
        service_user = User.objects.create_user(
            email=f"bank-{uuid.uuid4().hex[:12]}@partner-banks.invalid", first_name=name[:150], last_name="(bank)"
        )
        bank = PartnerBank.objects.create(
            name=name, service_user=service_user, webhook_url=webhook_url, webhook_secret=new_webhook_secret()
        )
        application, client_id, client_secret = _new_oauth_application(bank)
        bank.oauth_application = application
        bank.save(update_fields=["oauth_application"])
        audit_record(
            actor=actor,
            action=actions.BANK_CREATE,
            obj=bank,
            after={"name": name, "webhook_url": webhook_url, "client_id": client_id, "scopes": bank.scopes},
        )
    return BankCredentials(
        bank=bank, client_id=client_id, client_secret=client_secret, webhook_secret=bank.webhook_secret
    )


def bank_credentials_rotate(
    *, bank: PartnerBank, webhook_url: str | None = None, actor: User | None = None
) -> BankCredentials:
    """New client id, client secret and webhook secret. The old client and every token it holds stop at once."""
    new_url = _clean_webhook_url(webhook_url) if webhook_url is not None else None
    with transaction.atomic():
        bank = PartnerBank.objects.select_for_update().get(pk=bank.pk)
        old_client_id = bank.oauth_application.client_id if bank.oauth_application else None
        if bank.oauth_application is not None:
            bank.oauth_application.delete()  # cascades to its access and refresh tokens
        application, client_id, client_secret = _new_oauth_application(bank)
        bank.oauth_application = application
        bank.webhook_secret = new_webhook_secret()
        bank.credentials_rotated_at = timezone.now()
        before_url = bank.webhook_url
        if new_url is not None:
            bank.webhook_url = new_url
        bank.save(update_fields=["oauth_application", "webhook_secret", "credentials_rotated_at", "webhook_url"])
        audit_record(
            actor=actor,
            action=actions.BANK_ROTATE_CREDENTIALS,
            obj=bank,
            before={"client_id": old_client_id, "webhook_url": before_url},
            after={"client_id": client_id, "webhook_url": bank.webhook_url},
        )
    return BankCredentials(
        bank=bank, client_id=client_id, client_secret=client_secret, webhook_secret=bank.webhook_secret
    )
