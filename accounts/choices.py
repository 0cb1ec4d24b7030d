from django.db import models
from django.utils.translation import gettext_lazy as _


class RegulatorRole(models.TextChoices):
    """Regulator roles are Django groups of these names, so one person may hold several."""

    CASE_OFFICER = "case_officer", _("Case officer")
    SENIOR_OFFICER = "senior_officer", _("Senior officer")
    LICENSING_MANAGER = "licensing_manager", _("Licensing manager")
    AUDITOR = "auditor", _("Auditor")


class FirmRole(models.TextChoices):
    FIRM_ADMIN = "firm_admin", _("Firm admin")
    PREPARER = "preparer", _("Preparer")
