"""A real Celery worker (Celery's own test worker) delivers notifications: embedded broker, or Redis in CI."""

import pytest
from django.core import mail

from notifications.models import Notification, NotificationStatus
from notifications.services import notification_queue
from tests.conftest import wait_for
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_real_worker_sends_queued_notifications_after_commit(live_worker):
    firm = FirmFactory()
    notification_queue(
        key="test:1",
        template="licence_anniversary",
        recipients=["compliance@firm.example", "ceo@firm.example"],
        context={"firm": firm, "licence": {"number": "VATP-2026-0001"}, "anniversary": "2027-05-01"},
    )

    wait_for(lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == 2)
    assert sorted(message.to[0] for message in mail.outbox) == ["ceo@firm.example", "compliance@firm.example"]
    assert all("VATP-2026-0001" in message.subject for message in mail.outbox)
