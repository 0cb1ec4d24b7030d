from django.urls import URLPattern, path

from applications.portal.placeholder import placeholder

urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/case/", placeholder, name="case"),  # TEMPORARY
    path("licences/<str:number>/", placeholder, name="licence"),  # TEMPORARY
    path("licences/<str:number>/certificate.pdf", placeholder, name="licence_certificate"),  # TEMPORARY
]
