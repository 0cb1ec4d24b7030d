"""Signals other apps listen to, so applications never imports them (banking depends on applications)."""

from django.dispatch import Signal

# Sent inside the transaction of every licence change, after its audit event:
# licence, actor, action (an audit.actions member with a licence effect: LICENCE_SUSPEND, ...), reason.
licence_changed = Signal()
