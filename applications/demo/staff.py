"""Regulator staff of every role: the superuser and one user per seat, in the role groups of accounts.roles.

Every demo regulator signs in like a real one, with a verified e-mail address and a second factor: one
TOTP secret and one set of recovery codes shared by all of them (and by the demo firm admins, who also
must use a second factor), printed by seed_demo. Demo only.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Q

from accounts.choices import FirmRole, RegulatorRole
from accounts.mfa import email_verify, totp_enrol
from accounts.models import User
from accounts.roles import role_groups_sync

REGULATOR_DOMAIN = "demo.regulator.example"
ADMIN_EMAIL = f"admin@{REGULATOR_DOMAIN}"
FIRM_DOMAIN_SUFFIX = ".demo.example"
# Public on purpose: whoever runs the demo adds it to an authenticator app; seed_demo prints how to get a code.
DEMO_TOTP_SECRET = "VASPDEMOTOTPSECRETFORSTAFF234567"
DEMO_RECOVERY_SEED = "vasp-licensing-demo-recovery-codes"

# (e-mail local part, first name, last name, roles)
STAFF: list[tuple[str, str, str, tuple[RegulatorRole, ...]]] = [
    *[
        (f"case.officer{n}", first, last, (RegulatorRole.CASE_OFFICER,))
        for n, (first, last) in enumerate(
            [
                ("Ada", "Cheung"),
                ("Ben", "Lam"),
                ("Carmen", "Yeung"),
                ("Derek", "Chow"),
                ("Elaine", "Mok"),
                ("Felix", "Tse"),
                ("Grace", "Poon"),
                ("Henry", "Siu"),
            ],
            start=1,
        )
    ],
    ("senior.officer1", "Irene", "Kwan", (RegulatorRole.SENIOR_OFFICER,)),
    ("senior.officer2", "Jacky", "Law", (RegulatorRole.SENIOR_OFFICER,)),
    ("senior.officer3", "Kitty", "Yuen", (RegulatorRole.SENIOR_OFFICER,)),
    ("licensing.manager1", "Louis", "Fong", (RegulatorRole.LICENSING_MANAGER,)),
    ("licensing.manager2", "Monica", "Tong", (RegulatorRole.LICENSING_MANAGER,)),
    ("auditor1", "Nelson", "Ip", (RegulatorRole.AUDITOR,)),
]


@dataclass
class Staff:
    password_hash: str
    admin: User
    by_role: dict[RegulatorRole, list[User]] = field(default_factory=dict)
    totp_secret: str = DEMO_TOTP_SECRET
    recovery_codes: list[str] = field(default_factory=list)

    @property
    def case_officers(self) -> list[User]:
        return self.by_role[RegulatorRole.CASE_OFFICER]

    @property
    def senior_officers(self) -> list[User]:
        return self.by_role[RegulatorRole.SENIOR_OFFICER]

    @property
    def licensing_managers(self) -> list[User]:
        return self.by_role[RegulatorRole.LICENSING_MANAGER]

    def logins(self) -> list[tuple[str, str]]:
        """(role label, e-mail) of every regulator login, the superuser first."""
        rows = [("Superuser (Django admin)", self.admin.email)]
        for role, users in self.by_role.items():
            rows += [(str(role.label), user.email) for user in users]
        return rows


def ensure_staff(*, password: str) -> Staff:
    """Groups with their permissions, the superuser and the regulator staff; creates only what is missing."""
    groups = _ensure_groups()
    password_hash = _demo_password_hash(password)
    admin = _ensure_user(ADMIN_EMAIL, "Demo", "Administrator", password_hash, superuser=True)
    staff = Staff(password_hash=password_hash, admin=admin, by_role={role: [] for role in RegulatorRole})
    staff.recovery_codes = _ensure_second_factor(admin)
    for local_part, first, last, roles in STAFF:
        user = _ensure_user(f"{local_part}@{REGULATOR_DOMAIN}", first, last, password_hash)
        user.groups.add(*(groups[role] for role in roles))
        _ensure_second_factor(user)
        for role in roles:
            staff.by_role[role].append(user)
    return staff


def _ensure_second_factor(user: User) -> list[str]:
    """A verified address (sign-in requires one) and TOTP with recovery codes (regulators require it)."""
    email_verify(user=user)
    return totp_enrol(user=user, secret=DEMO_TOTP_SECRET, recovery_seed=DEMO_RECOVERY_SEED)


def demo_emails_verify() -> int:
    """Verified, primary addresses for every demo user who has none yet (firm users are bulk-created).

    Returns how many were added. Only the demo's own domains, never anyone else's account.
    """
    demo_users = User.objects.filter(
        Q(email__endswith=f"@{REGULATOR_DOMAIN}") | Q(email__endswith=FIRM_DOMAIN_SUFFIX)
    ).filter(emailaddress__isnull=True)
    rows = [
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in demo_users.only("pk", "email")
    ]
    EmailAddress.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def demo_firm_admins_second_factor() -> int:
    """TOTP, with the demo secret, for every demo firm admin who has none yet (firm admins require it).

    Returns how many were enrolled. Only the demo's own domains, never anyone else's account.
    """
    admins = (
        User.objects.filter(email__endswith=FIRM_DOMAIN_SUFFIX, firm_memberships__role=FirmRole.FIRM_ADMIN)
        .exclude(authenticator__type=Authenticator.Type.TOTP)
        .distinct()
    )
    enrolled = 0
    for user in admins:
        totp_enrol(user=user, secret=DEMO_TOTP_SECRET, recovery_seed=DEMO_RECOVERY_SEED)
        enrolled += 1
    return enrolled


def _ensure_groups() -> dict[RegulatorRole, Group]:
    # The groups and their admin permissions are accounts' to define; migrate syncs them, and so do we,
    # in case the database was flushed since.
    role_groups_sync()
    groups = {group.name: group for group in Group.objects.filter(name__in=RegulatorRole.values)}
    return {role: groups[role.value] for role in RegulatorRole}


def _demo_password_hash(password: str) -> str:
    """One hash for every demo user: hashing thousands of passwords one by one would take minutes.

    A second run reuses the stored hash when the password is unchanged, and rehashes every demo
    user once when DEMO_PASSWORD changed, so the printed password always works.
    """
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin is not None and admin.check_password(password):
        return admin.password
    password_hash = make_password(password)
    if admin is not None:
        User.objects.filter(Q(email__endswith=f"@{REGULATOR_DOMAIN}") | Q(email__endswith=FIRM_DOMAIN_SUFFIX)).update(
            password=password_hash
        )
    return password_hash


def _ensure_user(email: str, first: str, last: str, password_hash: str, *, superuser: bool = False) -> User:
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "password": password_hash,
            "is_staff": True,  # regulator staff use the Django admin
            "is_superuser": superuser,
        },
    )
    return user
