from django.db import models


class RegulatorRole(models.TextChoices):
    """Regulator roles are Django groups of these names, so one person may hold several."""

    CASE_OFFICER = "case_officer", "Case officer"
    SENIOR_OFFICER = "senior_officer", "Senior officer"
    LICENSING_MANAGER = "licensing_manager", "Licensing manager"
    AUDITOR = "auditor", "Auditor"


class FirmRole(models.TextChoices):
    FIRM_ADMIN = "firm_admin", "Firm admin"
    PREPARER = "preparer", "Preparer"
