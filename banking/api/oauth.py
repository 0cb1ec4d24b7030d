"""OAuth 2.0 for partner banks: client credentials only, scopes limited to what each bank was granted."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from oauth2_provider.oauth2_validators import OAuth2Validator


def _bank_of_client(client: Any) -> Any:
    try:
        return client.partner_bank if client is not None else None
    except ObjectDoesNotExist:
        return None


class BankOAuth2Validator(OAuth2Validator):
    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        """A client that is not an active partner bank gets no token (invalid_client)."""
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        bank = _bank_of_client(request.client)
        return bank is not None and bank.is_active

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        return grant_type == "client_credentials" and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        bank = _bank_of_client(client)
        return bank is not None and set(scopes) <= set(bank.scope_list)

    def get_default_scopes(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> list[str]:
        bank = _bank_of_client(request.client)
        return bank.scope_list if bank is not None else []
