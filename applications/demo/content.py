"""Word lists and texts for demo data: fictional firms, people and case-work wording.

Everything here is pure: a firm's index always gives the same name, address and LEI,
so a second run of seed_demo recognises what the first one created.
"""

import re
from dataclasses import dataclass

from applications.validators import lei_with_check_digits

# (English, Chinese) parts of a firm's name; the product of the three lists gives unique names.
NAME_PREFIXES = [
    ("Harbour", "港灣"),
    ("Victoria", "維多利亞"),
    ("Lantau", "大嶼"),
    ("Kowloon", "九龍"),
    ("Peak", "山頂"),
    ("Jade", "翡翠"),
    ("Pearl River", "珠江"),
    ("Orchid", "蘭花"),
    ("Summit", "峰匯"),
    ("Meridian", "子午"),
    ("Lion Rock", "獅子山"),
    ("Star Ferry", "天星"),
    ("Northbridge", "北橋"),
    ("Silverline", "銀線"),
    ("Bluewater", "藍海"),
    ("Granite", "花崗"),
    ("Evergreen", "長青"),
    ("Aurora", "極光"),
    ("Crescent", "新月"),
    ("Keystone", "基石"),
    ("Polaris", "北極星"),
    ("Vermilion", "朱雀"),
    ("Lotus", "蓮花"),
    ("Dragon Gate", "龍門"),
]
NAME_CORES = [
    ("Digital Assets", "數字資產"),
    ("Virtual Asset Exchange", "虛擬資產交易所"),
    ("Custody", "託管"),
    ("Tokenisation", "代幣化"),
    ("Blockchain Markets", "區塊鏈市場"),
    ("Crypto Trading", "加密貨幣交易"),
    ("Stablecoin", "穩定幣"),
    ("Digital Securities", "數字證券"),
    ("Ledger Technologies", "分佈式賬本科技"),
    ("Web3 Capital", "Web3資本"),
    ("Asset Tokens", "資產代幣"),
    ("Fintech", "金融科技"),
]
NAME_QUALIFIERS = [
    ("", ""),
    ("Asia", "亞洲"),
    ("Global", "環球"),
    ("International", "國際"),
    ("Group", "集團"),
    ("Pacific", "太平洋"),
]
_COMBINATIONS = len(NAME_PREFIXES) * len(NAME_CORES) * len(NAME_QUALIFIERS)
_STRIDE = 997  # prime, so neighbouring firms get unrelated names and every combination is used once
_ROMAN = ["", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X"]
_ZH_NUMERALS = ["", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    suffix_en: str
    suffix_zh: str
    address: str  # formatted with n (a street number) and f (a floor)


JURISDICTIONS = {
    "HK": Jurisdiction("HK", "Limited", "有限公司", "{f}/F, {n} Des Voeux Road Central, Central, Hong Kong"),
    "SG": Jurisdiction("SG", "Pte. Ltd.", "私人有限公司", "{n} Marina Boulevard, #{f}-01, Singapore 018983"),
    "KY": Jurisdiction(
        "KY", "Ltd.", "有限公司", "{n} Harbour Drive, George Town, Grand Cayman KY1-1106, Cayman Islands"
    ),
    "VG": Jurisdiction("VG", "Ltd", "有限公司", "{n} Main Street, Road Town, Tortola VG1110, British Virgin Islands"),
    "GB": Jurisdiction("GB", "Ltd", "有限公司", "Floor {f}, {n} Bishopsgate, London EC2N 4AY, United Kingdom"),
    "US": Jurisdiction("US", "Inc.", "公司", "{n} Broad Street, Suite {f}00, New York, NY 10004, United States"),
    "CH": Jurisdiction("CH", "AG", "股份公司", "Bahnhofstrasse {n}, 8001 Zürich, Switzerland"),
    "AE": Jurisdiction("AE", "Ltd", "有限公司", "Level {f}, Gate Building {n}, DIFC, Dubai, United Arab Emirates"),
    "JP": Jurisdiction("JP", "K.K.", "株式會社", "{n}-{f} Marunouchi 1-chome, Chiyoda-ku, Tokyo 100-0005, Japan"),
    "BM": Jurisdiction("BM", "Ltd.", "有限公司", "{n} Church Street, Hamilton HM 11, Bermuda"),
}
# Most incoming firms are Hong Kong companies or offshore holding structures.
JURISDICTION_CYCLE = ["HK", "SG", "HK", "KY", "VG", "HK", "GB", "US", "HK", "SG", "KY", "CH", "HK", "AE", "JP", "BM"]

CHINESE_SURNAMES = [
    ("Chan", "陳"),
    ("Wong", "黃"),
    ("Lee", "李"),
    ("Cheung", "張"),
    ("Lau", "劉"),
    ("Ng", "吳"),
    ("Leung", "梁"),
    ("Ho", "何"),
    ("Tam", "譚"),
    ("Yip", "葉"),
    ("Lam", "林"),
    ("Tsang", "曾"),
    ("Kwok", "郭"),
    ("Fung", "馮"),
]
# (romanised, Chinese, "f" or "m"): the English name a person goes by matches.
CHINESE_GIVEN = [
    ("Tai Man", "大文", "m"),
    ("Siu Ming", "小明", "m"),
    ("Chi Keung", "志強", "m"),
    ("Ho Yin", "浩然", "m"),
    ("Kwok Wai", "國偉", "m"),
    ("Chun Kit", "俊傑", "m"),
    ("Ka Yan", "嘉欣", "f"),
    ("Wing Sze", "詠詩", "f"),
    ("Mei Ling", "美玲", "f"),
    ("Hoi Ting", "凱婷", "f"),
    ("Suet Yi", "雪儀", "f"),
]
ENGLISH_GIVEN = {
    "m": ["Peter", "Jason", "Vincent", "Eric", "Raymond", "Alan"],
    "f": ["Mary", "Karen", "Winnie", "Cindy", "Joyce", "Michelle"],
}
WESTERN_GIVEN = ["James", "Sophie", "Oliver", "Amelia", "Lucas", "Charlotte", "Daniel", "Hannah", "Thomas", "Isabel"]
WESTERN_SURNAMES = [
    ("Whitmore", "GB"),
    ("Fischer", "DE"),
    ("Tanaka", "JP"),
    ("Rossi", "IT"),
    ("Dubois", "FR"),
    ("Patel", "IN"),
    ("Novak", "CZ"),
    ("Larsen", "DK"),
    ("Okafor", "NG"),
    ("Moreau", "FR"),
    ("Sato", "JP"),
    ("Silva", "BR"),
]

BUSINESS_PLANS = {
    "vatp": (
        "{name} will operate a centralised virtual asset trading platform for professional and, once approved, "
        "retail investors in Hong Kong, with at least 98% of client assets in cold storage.",
        "Spot trading of eligible large-cap virtual assets on a central limit order book; custody of client "
        "virtual assets by an associated entity; fiat on- and off-ramp through licensed banks.",
    ),
    "sfo-type-1-7": (
        "{name} will deal in security tokens and provide automated trading services for tokenised bonds and funds.",
        "Primary distribution of tokenised securities; an alternative trading system for security tokens; "
        "settlement against tokenised deposits.",
    ),
    "stablecoin-issuer": (
        "{name} will issue a fully reserved Hong Kong dollar stablecoin redeemable at par within one business day.",
        "Issuance and redemption of HKD-referenced stablecoins; reserve assets held in segregated accounts with "
        "licensed banks; monthly attestation by an independent auditor.",
    ),
}
GENERIC_PLAN = (
    "{name} will provide regulated virtual asset services to professional investors in Hong Kong.",
    "Virtual asset services under the licence applied for, with client assets segregated.",
)
TARGET_MARKETS = [
    "Hong Kong professional investors; institutional clients in the Asia-Pacific region.",
    "Hong Kong retail and professional investors, after suitability assessment.",
    "Corporate treasuries, asset managers and family offices in Hong Kong and Singapore.",
    "Licensed banks and brokers in Hong Kong acting for their clients.",
]

RFI_QUESTIONS = [
    "Describe the key ceremony for cold wallet keys and who holds each key shard.",
    "Provide the insurer's confirmation of cover for client virtual assets held in hot storage.",
    "Explain how the token admission committee assesses new tokens for listing.",
    "Provide evidence of the responsible officers' relevant industry experience.",
    "Reconcile the paid-up capital in the audited accounts with the business plan's financial projections.",
    "Describe the travel rule solution and how unhosted wallet transfers are screened.",
    "Provide the external assessor's follow-up on the penetration test findings.",
]
RFI_ANSWERS = [
    "Answered in the attached memorandum, section 2.",
    "The insurer's letter of cover is attached; cover is USD 50 million per event.",
    "Please see the revised policy in the uploaded document; the committee meets monthly.",
    "CVs and reference letters for both responsible officers are attached.",
]
RECOMMENDATION_REASONS = {
    "grant": "Fit and proper; AML/CFT, custody and cybersecurity controls are adequate for the business plan.",
    "grant_in_principle": "Fit and proper; grant in principle subject to the external assessor's phase 2 report.",
    "refuse": "The applicant has not demonstrated adequate custody controls or sufficient financial resources.",
}
FINAL_GRANT_REASONS = "The conditions of the approval in principle are met: phase 2 report received and reviewed."
DECISION_REASONS = {
    "approve": "Agreed with the recommendation; the licence is granted on the conditions below.",
    "approve_in_principle": "Agreed: approval in principle, the licence to follow when its conditions are met.",
    "refuse": "Agreed with the recommendation to refuse, for the reasons given.",
}
SEND_BACK_COMMENT = "Please review the source-of-funds evidence for the substantial shareholders before I decide."
RETURN_REASONS = "Incomplete: the AML/CFT policies do not cover the travel rule and the organisation chart is outdated."
WITHDRAW_REASONS = [
    "Change of group strategy.",
    "The firm will apply under the virtual-asset dealer regime instead.",
    "",
]
LICENCE_CONDITIONS = [
    "Serve professional investors only until the commission approves otherwise.",
    "Hold at least 98% of client virtual assets in cold storage.",
    "Obtain the commission's prior approval before admitting any new virtual asset for trading.",
    "Submit monthly financial returns for the first twelve months.",
    "Maintain insurance covering client virtual assets held in hot storage.",
]
LICENCE_REASONS = {
    "suspend": "Failure to maintain the required insurance cover; suspended until cover is restored.",
    "reinstate": "Insurance cover restored and confirmed by the insurer.",
    "revoke": "Serious breaches of the AML/CFT requirements found during an on-site inspection.",
    "surrender": "The firm is winding down its Hong Kong business.",
}


@dataclass(frozen=True)
class FirmIdentity:
    registration_number: str
    jurisdiction: str
    legal_name_en: str
    legal_name_zh: str
    registered_address: str
    lei: str
    website: str
    domain: str  # e-mail domain of the firm's demo users


def registration_number(index: int) -> str:
    return f"DEMO-{index:05d}"


def firm_domain(index: int) -> str:
    return f"firm{index:05d}.demo.example"


def firm_identity(index: int) -> FirmIdentity:
    """The firm with this 1-based index, always the same."""
    position = index - 1
    combination, generation = (position * _STRIDE) % _COMBINATIONS, position // _COMBINATIONS
    prefix, core, qualifier = _name_parts(combination)
    jurisdiction = JURISDICTIONS[JURISDICTION_CYCLE[(index * 7) % len(JURISDICTION_CYCLE)]]
    roman = _ROMAN[generation] if generation < len(_ROMAN) else f" {generation + 1}"
    zh_number = _ZH_NUMERALS[generation] if generation < len(_ZH_NUMERALS) else str(generation + 1)
    base_en = " ".join(part for part in (prefix[0], core[0], qualifier[0]) if part) + roman
    return FirmIdentity(
        registration_number=registration_number(index),
        jurisdiction=jurisdiction.code,
        legal_name_en=f"{base_en} {jurisdiction.suffix_en}",
        legal_name_zh=f"{prefix[1]}{core[1]}{qualifier[1]}{zh_number}{jurisdiction.suffix_zh}",
        registered_address=jurisdiction.address.format(n=1 + index % 97, f=2 + index % 38),
        # 984500 is a made-up LOU prefix; DEMO plus the index keeps the LEI unique.
        lei=lei_with_check_digits(f"984500DEMO{index:08d}"),
        website=f"https://www.{slug(base_en)}.example",
        domain=firm_domain(index),
    )


def _name_parts(combination: int) -> tuple[tuple[str, str], ...]:
    prefix, rest = divmod(combination, len(NAME_CORES) * len(NAME_QUALIFIERS))
    core, qualifier = divmod(rest, len(NAME_QUALIFIERS))
    return NAME_PREFIXES[prefix], NAME_CORES[core], NAME_QUALIFIERS[qualifier]


def hkid(letter: str, digits: str) -> str:
    """A Hong Kong identity card number with its check digit, e.g. A123456(3)."""
    total = (
        9 * 36
        + 8 * (ord(letter) - 55)
        + sum(weight * int(d) for weight, d in zip(range(7, 1, -1), digits, strict=True))
    )
    check = (11 - total % 11) % 11
    return f"{letter}{digits}({'A' if check == 10 else check})"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def business_plan(licence_type_code: str, firm_name: str, index: int) -> tuple[str, str, str]:
    summary, products = BUSINESS_PLANS.get(licence_type_code, GENERIC_PLAN)
    return summary.format(name=firm_name), products, TARGET_MARKETS[index % len(TARGET_MARKETS)]
