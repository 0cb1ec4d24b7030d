"""Template access to the sign-in policy, for allauth's account pages."""

from typing import Any

from django import template

from accounts import mfa

register = template.Library()


@register.filter
def mfa_required(user: Any) -> bool:
    """{% if user|mfa_required %}: this person may not switch two-factor authentication off."""
    return mfa.mfa_required(user)
