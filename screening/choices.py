from django.db import models
from django.utils.translation import gettext_lazy as _


class ListSource(models.TextChoices):
    UN_SC = "un_sc", _("UN Security Council consolidated list")
    OPENSANCTIONS = "opensanctions", _("OpenSanctions (targets.simple.csv)")


class EntryKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class HitStatus(models.TextChoices):
    OPEN = "open", _("Open: waiting for an officer")
    TRUE_MATCH = "true_match", _("True match")
    FALSE_MATCH = "false_match", _("False match")


# An open hit blocks every decision: nobody has looked at it yet.
BLOCKING_STATUSES = (HitStatus.OPEN, HitStatus.TRUE_MATCH)
ADJUDICATED_STATUSES = (HitStatus.TRUE_MATCH, HitStatus.FALSE_MATCH)
