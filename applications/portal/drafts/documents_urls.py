"""The documents area of the portal; concatenated into the "portal" namespace by applications/portal/urls.py."""

from django.urls import URLPattern, path

from applications.portal.drafts import documents

urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/documents/", documents.DocumentsView.as_view(), name="documents"),
    path(
        "applications/<str:reference>/documents/<slug:code>/",
        documents.DocumentUploadView.as_view(),
        name="document_upload",
    ),
    path(
        "applications/<str:reference>/documents/<slug:code>/people/<int:person_id>/",
        documents.DocumentUploadView.as_view(),
        name="document_upload_for_person",
    ),
    path("documents/<int:pk>/checks/", documents.DocumentChecksView.as_view(), name="document_checks"),
    path("documents/<int:pk>/download/", documents.DocumentDownloadView.as_view(), name="document_download"),
]
