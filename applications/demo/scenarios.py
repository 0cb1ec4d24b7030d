"""Which applications each demo firm has, and the path of transitions that led each to its state.

A path is a list of steps; cases.py plays them, writing what the services would have written.
Step names are the transitions of LicenceApplication, plus "create", "upload", "sign", "assign"
and "answer" (the non-transition actions of a case), and "recommend:<outcome>", "decide:<outcome>".
"""

from dataclasses import dataclass, replace

from applications.choices import ApplicationStatus as S
from applications.choices import LicenceStatus as L

# The first ten firms cover every status, so even a tiny demo shows the whole workflow; the
# rest weight the pipeline the way a regulator's caseload looks (many in review, few refused).
STATUS_CYCLE: list[str] = [
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.UNDER_REVIEW,
    S.INFORMATION_REQUESTED,
    S.PENDING_DECISION,
    S.APPROVED_IN_PRINCIPLE,
    S.APPROVED,
    S.REFUSED,
    S.WITHDRAWN,
    S.APPROVED,
    S.UNDER_REVIEW,
    S.DRAFT,
    S.INFORMATION_REQUESTED,
    S.APPROVED,
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.PENDING_DECISION,
    S.APPROVED,
    S.APPROVED_IN_PRINCIPLE,
]

INTAKE = ["create", "upload", "sign", "submit"]
REVIEW = [*INTAKE, "assign", "accept"]
RFI_ROUND = ["request_information", "answer", "respond"]
GRANT = ["recommend:grant", "decide:approve"]
IN_PRINCIPLE = ["recommend:grant_in_principle", "decide:approve_in_principle"]

PATHS: dict[str, list[list[str]]] = {
    S.DRAFT: [["create", "upload"], ["create", "upload", "sign"]],
    # Some submitted cases are not assigned yet: they wait in the unassigned queue.
    S.SUBMITTED: [INTAKE, [*INTAKE, "assign"]],
    S.RETURNED: [[*INTAKE, "assign", "return"]],
    S.UNDER_REVIEW: [REVIEW, [*REVIEW, *RFI_ROUND], [*REVIEW, "recommend:grant", "send_back"]],
    S.INFORMATION_REQUESTED: [
        [*REVIEW, "request_information"],
        [*REVIEW, "request_information", "answer:1"],
        [*REVIEW, *RFI_ROUND, "request_information", "answer"],
    ],
    S.PENDING_DECISION: [
        [*REVIEW, "recommend:grant"],
        [*REVIEW, *RFI_ROUND, "recommend:refuse"],
        [*REVIEW, "recommend:grant_in_principle"],
        [*REVIEW, *IN_PRINCIPLE, "recommend_final_grant"],
    ],
    S.APPROVED_IN_PRINCIPLE: [[*REVIEW, *IN_PRINCIPLE], [*REVIEW, *RFI_ROUND, *IN_PRINCIPLE]],
    S.APPROVED: [
        [*REVIEW, *GRANT],
        [*REVIEW, *RFI_ROUND, *GRANT],
        [*REVIEW, *IN_PRINCIPLE, "recommend_final_grant", "decide:approve"],
        [*REVIEW, "recommend:grant", "send_back", *GRANT],
    ],
    S.REFUSED: [
        [*REVIEW, "recommend:refuse", "decide:refuse"],
        [*REVIEW, *RFI_ROUND, "recommend:refuse", "decide:refuse"],
    ],
    S.WITHDRAWN: [
        ["create", "upload", "withdraw"],
        [*REVIEW, "withdraw"],
        [*REVIEW, "request_information", "withdraw"],
    ],
}

# What happened to a granted licence afterwards, and the status it ends in.
LICENCE_FATES: list[tuple[list[str], str]] = [
    ([], L.ACTIVE),
    (["suspend"], L.SUSPENDED),
    ([], L.ACTIVE),
    (["revoke"], L.REVOKED),
    ([], L.ACTIVE),
    (["surrender"], L.SURRENDERED),
    (["suspend", "reinstate"], L.ACTIVE),
    (["suspend", "revoke"], L.REVOKED),
]

# A firm whose application was returned usually starts again from a copy of it.
COPY_STATUSES = [S.SUBMITTED, S.UNDER_REVIEW, S.DRAFT, S.APPROVED]
# Some licensed firms apply for a second licence type.
SECOND_LICENCE_STATUSES = [S.DRAFT, S.UNDER_REVIEW, S.INFORMATION_REQUESTED]
PREFERRED_TYPES = ["vatp", "vatp", "sfo-type-1-7", "vatp", "stablecoin-issuer", "vatp", "sfo-type-1-7"]


@dataclass(frozen=True)
class AppPlan:
    status: str
    path: list[str]
    licence_type_code: str
    copy_of: int | None = None  # position of the returned application it was copied from
    licence_fate: tuple[list[str], str] = ([], L.ACTIVE)
    follow_up: bool = False  # another application of the firm follows this one


def application_plans(index: int, licence_type_codes: list[str]) -> list[AppPlan]:
    """The applications of firm `index`, oldest first; only active licence types are used."""
    turn = (index - 1) // len(STATUS_CYCLE)
    status = STATUS_CYCLE[(index - 1) % len(STATUS_CYCLE)]
    # Counting firms of the same status spreads the paths and licence fates evenly among them.
    ordinal = _ordinal(index, status)
    main_type = _type_for(index, licence_type_codes)
    plans = [_plan(status, ordinal, main_type)]
    if status == S.RETURNED:
        plans.append(_plan(COPY_STATUSES[turn % len(COPY_STATUSES)], turn, main_type, copy_of=0))
    elif status == S.APPROVED and index % 3 == 0 and len(licence_type_codes) > 1:
        others = [code for code in licence_type_codes if code != main_type]
        second_status = SECOND_LICENCE_STATUSES[turn % len(SECOND_LICENCE_STATUSES)]
        plans.append(_plan(second_status, turn, others[index % len(others)]))
    if len(plans) > 1:
        plans[0] = replace(plans[0], follow_up=True)
    return plans


def _ordinal(index: int, status: str) -> int:
    """How many firms before `index` have `status` as their first application's status."""
    position = index - 1
    turns, rest = divmod(position, len(STATUS_CYCLE))
    return turns * STATUS_CYCLE.count(status) + STATUS_CYCLE[:rest].count(status)


def _plan(status: str, ordinal: int, licence_type_code: str, copy_of: int | None = None) -> AppPlan:
    paths = PATHS[status]
    return AppPlan(
        status=status,
        path=paths[ordinal % len(paths)],
        licence_type_code=licence_type_code,
        copy_of=copy_of,
        licence_fate=LICENCE_FATES[ordinal % len(LICENCE_FATES)],
    )


def _type_for(index: int, codes: list[str]) -> str:
    preferred = [code for code in PREFERRED_TYPES if code in codes] or codes
    return preferred[index % len(preferred)]
