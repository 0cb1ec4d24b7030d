"""Demo firms in memory: the firm, its people with their roles, and its two users."""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from accounts.choices import FirmRole
from accounts.models import FirmMembership, User
from applications.choices import PersonRoleKind as R
from applications.demo import content
from applications.models import Firm, Person, PersonRole

# The chance that a person of the firm is Hong Kong Chinese, by where the firm is incorporated.
_CHINESE_SHARE = {"HK": 0.8, "SG": 0.6}
_DEFAULT_CHINESE_SHARE = 0.4


@dataclass
class FirmSeed:
    index: int
    rng: random.Random
    firm: Firm
    people: list[Person]
    roles: list[PersonRole]
    admin: User
    preparer: User
    memberships: list[FirmMembership] = field(default_factory=list)

    @property
    def users(self) -> list[User]:
        return [self.admin, self.preparer]


def build_firm(index: int, *, password_hash: str) -> FirmSeed:
    """The firm with this index and everything about it that does not depend on its applications."""
    rng = random.Random(index)  # the same firm on every run
    identity = content.firm_identity(index)
    firm = Firm(
        legal_name_en=identity.legal_name_en,
        legal_name_zh=identity.legal_name_zh,
        registration_number=identity.registration_number,
        jurisdiction=identity.jurisdiction,
        registered_address=identity.registered_address,
        lei=identity.lei,
        website=identity.website,
    )
    people, roles = _people(rng, firm, identity)
    # The firm's users are its compliance staff, not necessarily among the people it names.
    admin = _user(rng, f"admin@{identity.domain}", password_hash)
    preparer = _user(rng, f"preparer@{identity.domain}", password_hash)
    seed = FirmSeed(index=index, rng=rng, firm=firm, people=people, roles=roles, admin=admin, preparer=preparer)
    seed.memberships = [
        FirmMembership(user=admin, firm=firm, role=FirmRole.FIRM_ADMIN),
        FirmMembership(user=preparer, firm=firm, role=FirmRole.PREPARER),
    ]
    return seed


def _people(rng: random.Random, firm: Firm, identity: content.FirmIdentity) -> tuple[list[Person], list[PersonRole]]:
    """Two responsible officers, directors and owners; a quarter of firms have no non-executive director."""
    # In hundredths, with two decimal places as the database gives them back (55.00, not 55).
    majority = Decimal(rng.randrange(4000, 7501)).scaleb(-2)
    minority = Decimal(rng.randrange(1000, int((100 - majority) * 100) + 1)).scaleb(-2)
    plan: list[list[tuple[str, Decimal | None]]] = [
        [(R.DIRECTOR, None), (R.RESPONSIBLE_OFFICER, None)],
        [(R.RESPONSIBLE_OFFICER, None), (R.MANAGER_IN_CHARGE, None)],
        [(R.DIRECTOR, None)],
        [(R.SUBSTANTIAL_SHAREHOLDER, majority), (R.BENEFICIAL_OWNER, majority)],
        [(R.SUBSTANTIAL_SHAREHOLDER, minority), (R.BENEFICIAL_OWNER, minority)],
    ]
    if rng.random() < 0.25:
        del plan[2]
    chinese_share = _CHINESE_SHARE.get(identity.jurisdiction, _DEFAULT_CHINESE_SHARE)
    # Distinct surnames: no two people of one firm share a name.
    chinese = rng.sample(content.CHINESE_SURNAMES, len(plan))
    western = rng.sample(content.WESTERN_SURNAMES, len(plan))
    people, roles = [], []
    for position, person_roles in enumerate(plan):
        if rng.random() < chinese_share:
            person = _chinese_person(rng, chinese[position], identity)
        else:
            person = _western_person(rng, western[position], identity)
        person.firm = firm
        people.append(person)
        roles += [PersonRole(person=person, role=role, percentage=percentage) for role, percentage in person_roles]
    return people, roles


def _chinese_person(rng: random.Random, surname: tuple[str, str], identity: content.FirmIdentity) -> Person:
    given, given_zh, gender = rng.choice(content.CHINESE_GIVEN)
    english = rng.choice(content.ENGLISH_GIVEN[gender])
    nationality = "SG" if identity.jurisdiction == "SG" else rng.choice(["HK", "HK", "HK", "CN"])
    # Hong Kong people file their identity card; others their passport.
    hkid = content.hkid(rng.choice("ACDEKPRYZ"), f"{rng.randrange(10**6):06d}")
    return _person(
        rng,
        full_name_en=f"{english} {surname[0]} {given}",
        full_name_zh=f"{surname[1]}{given_zh}",
        nationality=nationality,
        identity_document_number=hkid if nationality == "HK" else f"E{rng.randrange(10**7, 10**8)}",
        domain=identity.domain,
    )


def _western_person(rng: random.Random, surname: tuple[str, str], identity: content.FirmIdentity) -> Person:
    given = rng.choice(content.WESTERN_GIVEN)
    return _person(
        rng,
        full_name_en=f"{given} {surname[0]}",
        full_name_zh="",
        nationality=surname[1],
        identity_document_number=f"{rng.choice('CKNPX')}{rng.randrange(10**7, 10**8)}",
        domain=identity.domain,
    )


def _person(rng: random.Random, *, domain: str, **fields: str) -> Person:
    born = date(1958 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
    email = f"{content.slug(fields['full_name_en']).replace('-', '.')}@{domain}"
    return Person(date_of_birth=born, email=email, **fields)


def _user(rng: random.Random, email: str, password_hash: str) -> User:
    first = rng.choice(rng.choice(list(content.ENGLISH_GIVEN.values())))
    last = rng.choice(content.CHINESE_SURNAMES)[0]
    return User(email=email, first_name=first, last_name=last, password=password_hash, is_staff=False)
