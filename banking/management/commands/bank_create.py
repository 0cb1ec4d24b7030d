import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.context import request_id_var
from banking.services import BankCredentials, bank_create
from vasp_licensing.errors import ValidationFailed


def write_credentials(command: BaseCommand, credentials: BankCredentials) -> None:
    """The JSON alone on stdout, so a script can pipe it to jq; the reminder goes to stderr."""
    command.stdout.write(json.dumps(credentials.as_dict(), indent=2))
    command.stderr.write(
        f"Hand these to {credentials.bank.name} now: the secrets are not shown again. "
        f'If they are lost, run: manage.py bank_credentials --name "{credentials.bank.name}"',
        style_func=command.style.WARNING,
    )


class Command(BaseCommand):
    help = (
        "Register a partner bank and print, as JSON on stdout, its OAuth client_id and client_secret "
        "(client credentials at /o/token/) and its webhook signing secret (whsec_...). The secrets are "
        "shown only this once: the client secret is stored hashed. If they are lost, bank_credentials "
        "issues new ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the bank's name; unique, whatever the case")
        parser.add_argument(
            "--webhook-url", default="", help="where the bank receives webhooks (http or https); none when left out"
        )

    def handle(self, *args: Any, name: str, webhook_url: str, **options: Any) -> None:
        # Marks the audit event, as seed_demo marks its own, so the trail shows where it came from.
        token = request_id_var.set("manage.py bank_create")
        try:
            credentials = bank_create(name=name, webhook_url=webhook_url)
        except ValidationFailed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            request_id_var.reset(token)
        write_credentials(self, credentials)
