from django.urls import URLPattern, path

from applications.portal.placeholder import placeholder

urlpatterns: list[URLPattern] = [
    path("firms/<int:firm_id>/team/", placeholder, name="team"),  # TEMPORARY
]
