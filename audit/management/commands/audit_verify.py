from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Check the hash chain of the audit trail; exit non-zero naming the first bad event."

    def handle(self, *args: Any, **options: Any) -> None:
        problem = audit_chain_verify()
        if problem is not None:
            raise CommandError(f"Audit chain broken at event #{problem.sequence}: {problem.message}")
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} events verified.")
