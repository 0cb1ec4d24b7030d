"""The default configuration a regulator starts from; after that it is edited in the admin.

Used by the data migration (so every database has it) and by seed_demo.
"""

MB = 1024 * 1024

DOCUMENT_TYPES: list[dict[str, object]] = [
    {"code": "certificate_of_incorporation", "name": "Certificate of incorporation", "name_zh": "公司註冊證明書"},
    {"code": "business_plan", "name": "Business plan", "name_zh": "業務計劃書"},
    {
        "code": "aml_cft_policies",
        "name": "AML/CFT policies and procedures",
        "name_zh": "打擊洗錢及恐怖分子資金籌集政策",
    },
    {"code": "custody_arrangements", "name": "Custody arrangements", "name_zh": "保管安排"},
    {"code": "cybersecurity_assessment", "name": "Cybersecurity assessment", "name_zh": "網絡安全評估"},
    {
        "code": "audited_financial_statements",
        "name": "Audited financial statements",
        "name_zh": "經審計財務報表",
        "max_age_months": 18,
    },
    {"code": "insurance", "name": "Insurance arrangements", "name_zh": "保險安排", "max_age_months": 12},
    {
        "code": "organisation_chart",
        "name": "Organisation chart",
        "name_zh": "組織架構圖",
        "allowed_extensions": "pdf,png,jpg",
    },
    {
        "code": "external_assessor_report",
        "name": "External assessor's report",
        "name_zh": "外聘評估者報告",
        "max_age_months": 6,
    },
    {
        "code": "identity_document",
        "name": "Identity document",
        "name_zh": "身份證明文件",
        "per_person": True,
        "allowed_extensions": "pdf,png,jpg,jpeg",
        "max_size_bytes": 10 * MB,
    },
]

_CORE = ["certificate_of_incorporation", "business_plan", "aml_cft_policies", "organisation_chart", "identity_document"]

LICENCE_TYPES: list[dict[str, object]] = [
    {
        "code": "vatp",
        "name": "Virtual asset trading platform (AMLO Part 5B)",
        "regime": "amlo",
        "licence_number_prefix": "VATP",
        "required": [
            *_CORE,
            "custody_arrangements",
            "cybersecurity_assessment",
            "audited_financial_statements",
            "insurance",
            "external_assessor_report",
        ],
    },
    {
        "code": "sfo-type-1-7",
        "name": "Securities dealing and automated trading (SFO Types 1 and 7)",
        "regime": "sfo",
        "licence_number_prefix": "SFO",
        "required": [*_CORE, "audited_financial_statements", "external_assessor_report", "cybersecurity_assessment"],
    },
    {
        "code": "stablecoin-issuer",
        "name": "Stablecoin issuer (HKMA)",
        "regime": "stablecoins",
        "licence_number_prefix": "SCI",
        "required": [*_CORE, "custody_arrangements", "audited_financial_statements", "cybersecurity_assessment"],
    },
    {
        "code": "va-dealer",
        "name": "Virtual asset dealer (being legislated)",
        "regime": "amlo",
        "licence_number_prefix": "VAD",
        "is_active": False,
        "required": [*_CORE, "audited_financial_statements"],
    },
    {
        "code": "va-custodian",
        "name": "Virtual asset custodian (being legislated)",
        "regime": "amlo",
        "licence_number_prefix": "VAC",
        "is_active": False,
        "required": [*_CORE, "custody_arrangements", "cybersecurity_assessment", "insurance"],
    },
]


def install_default_configuration(document_type_model: type, licence_type_model: type, required_model: type) -> None:
    """Creates what is missing; never overwrites what an administrator changed."""
    by_code = {}
    for spec in DOCUMENT_TYPES:
        fields = dict(spec)
        code = fields.pop("code")
        by_code[code], _ = document_type_model.objects.get_or_create(code=code, defaults=fields)  # type: ignore[attr-defined]
    for spec in LICENCE_TYPES:
        fields = dict(spec)
        code, required = fields.pop("code"), fields.pop("required")
        licence_type, created = licence_type_model.objects.get_or_create(code=code, defaults=fields)  # type: ignore[attr-defined]
        if created:
            for document_code in required:  # type: ignore[attr-defined]
                required_model.objects.create(licence_type=licence_type, document_type=by_code[document_code])  # type: ignore[attr-defined]
