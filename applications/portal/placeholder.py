"""TEMPORARY scaffolding while the portal areas are built in parallel; each area replaces its names."""

from django.http import Http404, HttpRequest, HttpResponse


def placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("Not built yet.")
