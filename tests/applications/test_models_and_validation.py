from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applications.models import Firm, PersonRole
from applications.validators import lei_is_valid, lei_with_check_digits, validate_lei
from tests.factories import FirmFactory, PersonFactory

# Published LEIs (GLEIF): their check digits are right.
REAL_LEIS = ["5493001KJTIIGC8Y1R12", "549300GKFG0RYRRQ1414", "7LTWFZYICNSX8D621K86"]


@pytest.mark.parametrize("lei", REAL_LEIS)
def test_lei_accepts_published_identifiers(lei):
    assert lei_is_valid(lei)


@pytest.mark.parametrize(
    "lei",
    [
        "5493001KJTIIGC8Y1R13",  # last check digit off by one
        "5493001KJTIIGC8Y1R1",  # 19 characters
        "5493001kjtiigc8y1r12",  # lower case
        "5493001KJTIIGC8Y1RAB",  # check digits must be digits
        "",
    ],
)
def test_lei_rejects_malformed_identifiers(lei):
    assert not lei_is_valid(lei)


def test_lei_check_digits_are_computed_for_any_prefix():
    assert lei_with_check_digits("5493001KJTIIGC8Y1R") == "5493001KJTIIGC8Y1R12"


def test_lei_validation_error_says_what_is_expected():
    with pytest.raises(ValidationError, match="ISO 17442"):
        validate_lei("5493001KJTIIGC8Y1R13")


@pytest.mark.django_db
def test_firm_full_clean_rejects_a_bad_lei_and_country():
    firm = Firm(
        legal_name_en="X Ltd",
        registration_number="1",
        jurisdiction="Hong Kong",
        registered_address="1 Road",
        lei="5493001KJTIIGC8Y1R13",
    )
    with pytest.raises(ValidationError) as error:
        firm.full_clean()
    assert set(error.value.message_dict) == {"lei", "jurisdiction"}


@pytest.mark.django_db
def test_the_same_registration_number_cannot_be_filed_twice_in_one_jurisdiction():
    FirmFactory(registration_number="123", jurisdiction="HK")
    FirmFactory(registration_number="123", jurisdiction="SG")
    with pytest.raises(IntegrityError), transaction.atomic():
        FirmFactory(registration_number="123", jurisdiction="HK")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "percentage", "accepted"),
    [
        ("substantial_shareholder", "10.00", True),
        ("substantial_shareholder", "9.99", False),
        ("substantial_shareholder", None, False),
        ("beneficial_owner", "0.50", True),
        ("beneficial_owner", "100.01", False),
        ("director", None, True),
        ("director", "20.00", False),
    ],
)
def test_person_role_percentage_fits_the_role(role, percentage, accepted):
    person = PersonFactory()
    value = Decimal(percentage) if percentage else None
    if accepted:
        PersonRole.objects.create(person=person, role=role, percentage=value)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            PersonRole.objects.create(person=person, role=role, percentage=value)
