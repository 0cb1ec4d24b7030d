import re
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vasp_licensing.errors import ValidationFailed

_LEI_SHAPE = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def lei_is_valid(value: str) -> bool:
    """ISO 17442: 20 characters, the last two check digits per ISO 7064 MOD 97-10."""
    if not _LEI_SHAPE.match(value):
        return False
    as_digits = "".join(str(int(char, 36)) for char in value)
    return int(as_digits) % 97 == 1


def validate_lei(value: str) -> None:
    if value and not lei_is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid LEI: 20 letters and digits ending in two valid check digits (ISO 17442)."),
            code="invalid_lei",
            params={"value": value},
        )


def validate_country_code(value: str) -> None:
    if not _COUNTRY_CODE.match(value):
        raise ValidationError(
            _("%(value)s is not a two-letter country code (ISO 3166-1 alpha-2, e.g. HK)."),
            code="invalid_country",
            params={"value": value},
        )


def lei_with_check_digits(base18: str) -> str:
    """Completes an 18-character LEI prefix with its check digits (for demo data and tests)."""
    as_digits = "".join(str(int(char, 36)) for char in base18 + "00")
    return f"{base18}{98 - int(as_digits) % 97:02d}"


class InvalidFields(ValidationFailed):
    """A service refused input field by field: `field_errors` maps each field name ("" for the whole
    input) to its messages, already in the request's language, so a form can show each beside its field."""

    def __init__(self, message: str, *, field_errors: Mapping[str, Sequence[str]]) -> None:
        errors = {field: [str(text) for text in texts] for field, texts in field_errors.items() if texts}
        super().__init__(message, details=[text for texts in errors.values() for text in texts])
        self.field_errors = errors

    @classmethod
    def from_django(cls, message: str, error: ValidationError) -> "InvalidFields":
        """From a model's full_clean: NON_FIELD_ERRORS ("__all__") become whole-input errors ("")."""
        by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return cls(message, field_errors={("" if key == "__all__" else key): texts for key, texts in by_field.items()})
