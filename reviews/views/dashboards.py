"""dashboards pages of the workspace."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
