"""The applicant portal under /portal/. Each area declares its own urlpatterns; all share the namespace "portal"."""

from accounts.team import urls as team
from applications.portal.cases import urls as cases
from applications.portal.drafts import documents_urls as documents
from applications.portal.drafts import urls as drafts
from banking.portal import urls as banking

app_name = "portal"

urlpatterns = [*drafts.urlpatterns, *documents.urlpatterns, *cases.urlpatterns, *team.urlpatterns, *banking.urlpatterns]
