from django.urls import URLPattern, path

from applications.portal.placeholder import placeholder

urlpatterns: list[URLPattern] = [
    path("firms/<int:firm_id>/banking/", placeholder, name="banking"),  # TEMPORARY
]
