from typing import Any

from django.core.management.base import BaseCommand

from banking.services import webhook_attempt, webhooks_due


class Command(BaseCommand):
    help = (
        "Attempt every pending webhook delivery whose time has come, now, in this process. Beat does this "
        "every minute with a broker; in the embedded setup (no beat) run it after a restart."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        due = webhooks_due()
        for delivery_id in due:
            delivery = webhook_attempt(delivery_id=delivery_id)
            if delivery is not None:
                self.stdout.write(f"{delivery.webhook_id} to {delivery.bank}: {delivery.status}")
        self.stdout.write(f"{len(due)} due deliveries attempted.")
