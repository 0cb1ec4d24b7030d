from django.urls import URLPattern, path

from applications.portal.placeholder import placeholder

urlpatterns: list[URLPattern] = [
    path("", placeholder, name="dashboard"),  # TEMPORARY
    path("firms/new/", placeholder, name="firm_create"),  # TEMPORARY
    path("firms/<int:firm_id>/", placeholder, name="firm"),  # TEMPORARY
    path("applications/<str:reference>/", placeholder, name="application"),  # TEMPORARY
    path("documents/<int:pk>/download/", placeholder, name="document_download"),  # TEMPORARY
]
