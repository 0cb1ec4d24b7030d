"""Absolute links to this site, for readers outside a request: banks (webhooks, API `url` fields, credentials),
e-mails and certificates. Built from settings.SITE_URL, never from a request's Host header, so that every door
writes the same address and a server on another host or port writes its own."""

from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """SITE_URL joined with a site-absolute path (`/register/?q=1`); a SITE_URL with a sub-path keeps it."""
    if not path.startswith("/"):
        raise ValueError(f"{path!r} is not a site-absolute path")
    # urljoin would drop SITE_URL's own path for a path starting with "/": join below the site's root.
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def absolute_reverse(
    viewname: str,
    args: list[Any] | tuple[Any, ...] | None = None,
    kwargs: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
) -> str:
    """reverse() as an absolute URL on SITE_URL, with an optional query string."""
    path = reverse(viewname, args=args, kwargs=kwargs)
    if query:
        path = f"{path}?{urlencode(query)}"
    return absolute_url(path)


def on_site(url: str) -> str:
    """The same page on SITE_URL, for a link a library built from the request's host (django-allauth)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    if parts.fragment:
        path += f"#{parts.fragment}"
    return absolute_url(path)
