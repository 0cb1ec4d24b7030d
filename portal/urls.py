"""The applicant portal under /portal/. Each view module declares its own urlpatterns, as in the workspace
(reviews/urls.py); all share the namespace "portal". The public register is its own namespace, "register"."""

from portal.banking import views as banking
from portal.cases import views as cases
from portal.documents import views as documents
from portal.drafts import application, firms, people
from portal.register import views as register
from portal.team import views as team

app_name = "portal"

urlpatterns = [
    *firms.urlpatterns,
    *people.urlpatterns,
    *application.urlpatterns,
    *documents.urlpatterns,
    *cases.urlpatterns,
    *team.urlpatterns,
    *banking.urlpatterns,
]

register_urlpatterns = (register.urlpatterns, "register")
