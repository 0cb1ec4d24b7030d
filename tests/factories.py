from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.contrib.auth.models import Group

from accounts.choices import FirmRole, RegulatorRole
from accounts.mfa import mfa_required, totp_enrol
from accounts.models import FirmMembership, User
from applications.models import Firm, Person, PersonRole
from applications.validators import lei_with_check_digits

M = TypeVar("M")


class ModelFactory(factory.django.DjangoModelFactory[M]):
    """factory_boy types `.create()` as the model but `Factory()` as the factory (its `__new__` is untyped);
    this tells mypy what `Factory()` really returns, so tests are checked against the model."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # mypy insists __new__ return an instance of its class; factory_boy's returns the model instead.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]


TEST_PASSWORD = "correct-horse-battery-staple"
# Base32, as an authenticator app takes it; a code now: allauth.mfa.totp.internal.auth.hotp_value.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self: User, create: bool, extracted: list[RegulatorRole] | None, **kwargs: object) -> None:
        if extracted:
            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=role.value)[0])
        self.save()

    @factory.post_generation
    def totp(self: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Regulators and superusers cannot use the site without TOTP (accounts.mfa.mfa_required), so they
        get it, as if they had set it up; UserFactory(totp=False) leaves it out, UserFactory(totp=True) forces it."""
        if create and (mfa_required(self) if extracted is None else extracted):
            totp_enrol(user=self, secret=TEST_TOTP_SECRET)


class FirmFactory(ModelFactory[Firm]):
    class Meta:
        model = Firm

    legal_name_en = factory.Sequence(lambda n: f"Harbour Digital Assets {n} Limited")
    legal_name_zh = factory.Sequence(lambda n: f"港灣數字資產{n}有限公司")
    registration_number = factory.Sequence(lambda n: f"{3000000 + n}")
    jurisdiction = "HK"
    registered_address = "Level 20, 1 Harbour Road, Wan Chai, Hong Kong"
    lei = factory.Sequence(lambda n: lei_with_check_digits(f"5493{n:014d}"))
    website = "https://example.test"


class PersonFactory(ModelFactory[Person]):
    class Meta:
        model = Person

    firm = factory.SubFactory(FirmFactory)
    full_name_en = factory.Faker("name")
    nationality = "HK"
    identity_document_number = factory.Sequence(lambda n: f"A{n:07d}")


def person_with_roles(firm: Firm, *roles: str, percentage: str | None = None, **fields: object) -> Person:
    person = PersonFactory(firm=firm, **fields)
    for role in roles:
        PersonRole.objects.create(person=person, role=role, percentage=percentage if role in _PERCENT_ROLES else None)
    return person


_PERCENT_ROLES = {"substantial_shareholder", "beneficial_owner"}


def member(firm: Firm, role: FirmRole, **fields: object) -> User:
    """A new user with `role` in `firm`. A firm admin gets TOTP like a regulator (mfa_required names them once the
    membership exists); member(..., totp=False) leaves it out, to test the way to TOTP setup."""
    user = UserFactory(**fields)
    FirmMembershipFactory(user=user, firm=firm, role=role, totp=fields.get("totp"))
    return user


class FirmMembershipFactory(ModelFactory[FirmMembership]):
    """A membership; a user it makes a firm admin gets TOTP as if they had set it up (totp=False: not)."""

    class Meta:
        model = FirmMembership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    firm = factory.SubFactory(FirmFactory)
    role = FirmRole.PREPARER

    @factory.post_generation
    def totp(self: FirmMembership, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False and mfa_required(self.user):
            totp_enrol(user=self.user, secret=TEST_TOTP_SECRET)
