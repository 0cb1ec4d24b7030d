from django.urls import URLPattern, path

from applications.portal.cases import views

urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/case/", views.CaseView.as_view(), name="case"),
    path(
        "applications/<str:reference>/case/items/<int:item_id>/answer/",
        views.ItemAnswerView.as_view(),
        name="case_item_answer",
    ),
    path(
        "applications/<str:reference>/case/items/<int:item_id>/documents/",
        views.ItemDocumentView.as_view(),
        name="case_item_document",
    ),
    path("applications/<str:reference>/case/respond/", views.RespondView.as_view(), name="case_respond"),
    path("applications/<str:reference>/case/copy/", views.CopyView.as_view(), name="case_copy"),
    path("licences/<str:number>/", views.LicenceView.as_view(), name="licence"),
    path("licences/<str:number>/certificate.pdf", views.LicenceCertificateView.as_view(), name="licence_certificate"),
]
