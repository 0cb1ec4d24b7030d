from django.db import models


class ListSource(models.TextChoices):
    UN_SC = "un_sc", "UN Security Council consolidated list"
    OPENSANCTIONS = "opensanctions", "OpenSanctions (targets.simple.csv)"


class EntryKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class HitStatus(models.TextChoices):
    OPEN = "open", "Open: waiting for an officer"
    TRUE_MATCH = "true_match", "True match"
    FALSE_MATCH = "false_match", "False match"


# An open hit blocks every decision: nobody has looked at it yet.
BLOCKING_STATUSES = (HitStatus.OPEN, HitStatus.TRUE_MATCH)
ADJUDICATED_STATUSES = (HitStatus.TRUE_MATCH, HitStatus.FALSE_MATCH)
