from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.context import request_id_var
from banking.management.commands.bank_create import write_credentials
from banking.models import PartnerBank
from banking.services import bank_credentials_rotate
from vasp_licensing.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Issue new credentials to an existing partner bank and print them as JSON on stdout, like bank_create: "
        "OAuth client_id and client_secret, and a new webhook signing secret (whsec_...). The old ones stop "
        "working at once, tokens included. The new secrets are shown only this once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the bank's name, whatever the case")
        parser.add_argument(
            "--webhook-url",
            default=None,
            help='a new webhook URL (http or https); "" removes it; the current one is kept when left out',
        )

    def handle(self, *args: Any, name: str, webhook_url: str | None, **options: Any) -> None:
        bank = PartnerBank.objects.filter(name__iexact=name.strip()).first()
        if bank is None:
            raise CommandError(
                f'No partner bank is named "{name}". To register it: manage.py bank_create --name "{name}"'
            )
        token = request_id_var.set("manage.py bank_credentials")
        try:
            credentials = bank_credentials_rotate(bank=bank, webhook_url=webhook_url)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            request_id_var.reset(token)
        write_credentials(self, credentials)
