from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The applicant portal's pages: drafts, documents, the case, the team, banking, the public register.

    It holds no models: the pages call the services and selectors of the apps that own the data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
