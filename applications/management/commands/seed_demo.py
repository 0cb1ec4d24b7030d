import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from applications.choices import ApplicationStatus
from applications.demo import DEFAULT_FIRMS, SeedResult, seed_demo
from applications.demo.content import firm_domain
from applications.demo.staff import demo_emails_verify, demo_firm_admins_second_factor
from applications.models import LicenceApplication
from banking.demo import DEMO_BANK

# Documented in --help and printed with the logins; set DEMO_PASSWORD to use another.
DEFAULT_DEMO_PASSWORD = "harbour-demo-2026"


class Command(BaseCommand):
    help = (
        "Load idempotent demo data: regulator staff of every role, N firms (default 85) with applications in "
        "every state, licences and their audit trail, partner banks (one named " + DEMO_BANK + ") with referrals "
        "in every state; prints the demo logins. Run again with a larger --firms "
        "to add firms. Every demo user's password is $DEMO_PASSWORD, or " + DEFAULT_DEMO_PASSWORD + " when unset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--firms", type=int, default=DEFAULT_FIRMS, help=f"number of demo firms (default {DEFAULT_FIRMS})"
        )

    def handle(self, *args: Any, firms: int, **options: Any) -> None:
        if firms < 0:
            raise CommandError("--firms must be zero or more.")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        try:
            result = seed_demo(firms=firms, password=password)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # Sign-in requires a verified address; firm users are bulk-created without one.
        demo_emails_verify()
        demo_firm_admins_second_factor()
        created = ", ".join(f"{count} {what}" for what, count in result.created.items() if count)
        self.stdout.write(
            f"Demo data ready: {result.firms_total} demo firms; created {created or 'nothing (already there)'} "
            f"in {result.seconds:.1f} s."
        )
        self._print_logins(result, password)
        self._print_second_factor(result)
        # Client secrets are stored hashed, so the seed cannot print working ones: new ones are issued on demand.
        self.stdout.write(
            f"\nTo try the bank API as {DEMO_BANK}, issue its credentials (shown once): "
            f'python manage.py bank_credentials --name "{DEMO_BANK}"'
        )

    def _print_logins(self, result: SeedResult, password: str) -> None:
        rows = [*result.staff.logins(), *self._firm_logins()]
        width = max(len(role) for role, _ in rows)
        self.stdout.write(f"\nDemo logins (password for all: {password})")
        self.stdout.write(f"{'role':<{width}}  e-mail")
        self.stdout.write(f"{'-' * width}  {'-' * max(len(email) for _, email in rows)}")
        for role, email in rows:
            self.stdout.write(f"{role:<{width}}  {email}")
        if result.firms_total:
            self.stdout.write(
                f"Every demo firm has a firm admin and a preparer: admin@ and preparer@{firm_domain(1)} "
                f"up to firm{result.firms_total:05d}."
            )

    def _print_second_factor(self, result: SeedResult) -> None:
        secret = result.staff.totp_secret
        now = "import time; from allauth.mfa.totp.internal.auth import format_hotp_value as f, hotp_value as h; "
        self.stdout.write(
            "\nRegulator staff and firm admins enter a code from an authenticator app after the password. All demo "
            "regulators and demo firm admins share "
            f"the TOTP secret {secret}: add it to an authenticator app, or print the current code with\n"
            f"  python manage.py shell -v 0 -c \"{now}print(f(h('{secret}', int(time.time()) // 30)))\"\n"
            "Recovery codes (each works once per user): " + " ".join(result.staff.recovery_codes)
        )

    def _firm_logins(self) -> list[tuple[str, str]]:
        """A firm admin whose firm has an application in each status: one door into each state."""
        rows = []
        for status in ApplicationStatus:
            registration = (
                LicenceApplication.objects.filter(status=status, firm__registration_number__startswith="DEMO-")
                .order_by("firm__registration_number")
                .values_list("firm__registration_number", flat=True)
                .first()
            )
            if registration is not None:
                domain = firm_domain(int(registration.removeprefix("DEMO-")))
                rows.append((f"Firm admin ({status.label.lower()})", f"admin@{domain}"))
                if status == ApplicationStatus.DRAFT:
                    rows.append(("Preparer (draft)", f"preparer@{domain}"))
        return rows
