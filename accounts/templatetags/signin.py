"""Template access to the sign-in policy, for allauth's account pages."""

from django import template

from accounts import mfa
from accounts.signed_in import AnyUser

register = template.Library()


@register.filter
def mfa_required(user: AnyUser) -> bool:
    """{% if user|mfa_required %}: this person may not switch two-factor authentication off."""
    return mfa.mfa_required(user)
