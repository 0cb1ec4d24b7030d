from django.urls import URLPattern, path

from applications.portal.placeholder import placeholder

app_name = "register"

urlpatterns: list[URLPattern] = [
    path("", placeholder, name="index"),  # TEMPORARY
]
