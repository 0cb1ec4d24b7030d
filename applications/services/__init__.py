"""Every write to applications, documents and licences. Views, admin, API and tasks call these only."""

from applications.services.applications import (
    application_assign,
    application_copy,
    application_create,
    application_sign_declaration,
    application_update,
)
from applications.services.documents import document_upload
from applications.services.firms import firm_create, firm_update
from applications.services.licences import (
    licence_conditions_vary,
    licence_reinstate,
    licence_revoke,
    licence_surrender,
    licence_suspend,
)
from applications.services.people import person_create, person_remove, person_update
from applications.services.references import next_reference
from applications.services.transitions import (
    application_accept,
    application_decide,
    application_recommend,
    application_recommend_final_grant,
    application_request_information,
    application_respond,
    application_return,
    application_send_back,
    application_submit,
    application_withdraw,
    information_item_upload_document,
)

__all__ = [
    "application_accept",
    "application_assign",
    "application_copy",
    "application_create",
    "application_decide",
    "application_recommend",
    "application_recommend_final_grant",
    "application_request_information",
    "application_respond",
    "application_return",
    "application_send_back",
    "application_sign_declaration",
    "application_submit",
    "application_update",
    "application_withdraw",
    "document_upload",
    "firm_create",
    "firm_update",
    "information_item_upload_document",
    "licence_conditions_vary",
    "licence_reinstate",
    "licence_revoke",
    "licence_surrender",
    "licence_suspend",
    "next_reference",
    "person_create",
    "person_remove",
    "person_update",
]
