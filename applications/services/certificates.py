"""Licence certificates, drawn as PDF on the fly: nothing is stored, so a certificate always shows the
licence as it stands now (status and conditions in force), and every copy handed out is audited.

reportlab's standard fonts cover Western European text only; anything else (the firm's Chinese name,
labels in Chinese when the page is in Chinese) is set in reportlab's built-in CID fonts, which need no
font files: MSung-Light for Traditional Chinese, STSong-Light for Simplified.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import rules
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from accounts.models import User
from applications.choices import LicenceStatus
from applications.models import Licence
from audit import actions
from audit.services import audit_record
from vasp_licensing.errors import NotPermitted

LATIN_FONT, LATIN_BOLD = "Helvetica", "Helvetica-Bold"
TRADITIONAL_FONT, SIMPLIFIED_FONT = "MSung-Light", "STSong-Light"


@dataclass(frozen=True)
class CertificateContent:
    """What the certificate says, in the reader's language; pure data, so drawing it needs no database."""

    number: str
    firm_name_en: str
    firm_name_zh: str
    licence_type: str
    regime: str
    granted_on: str
    status: str
    in_force: bool
    as_of: str
    conditions: Sequence[str]
    regulator: str
    verify_url: str


def _register_cid_fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (TRADITIONAL_FONT, SIMPLIFIED_FONT):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def _cjk_font() -> str:
    return SIMPLIFIED_FONT if (translation.get_language() or "").lower() == "zh-hans" else TRADITIONAL_FONT


def _font_for(text: str, *, bold: bool = False, cjk_font: str) -> str:
    """Helvetica when every character is in its encoding (WinAnsi, close to cp1252), else the CID font."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return cjk_font
    return LATIN_BOLD if bold else LATIN_FONT


def _paragraph(text: str, style: ParagraphStyle, *, cjk_font: str, bold: bool = False) -> Paragraph:
    font = _font_for(text, bold=bold, cjk_font=cjk_font)
    styled = ParagraphStyle(f"{style.name}-{font}", parent=style, fontName=font)
    if font in (TRADITIONAL_FONT, SIMPLIFIED_FONT):
        styled.wordWrap = "CJK"  # Chinese has no spaces to break lines at
    return Paragraph(escape(text), styled)


STYLES = {
    "title": ParagraphStyle("title", fontSize=20, leading=26, alignment=1, spaceAfter=4 * mm),
    "subtitle": ParagraphStyle("subtitle", fontSize=11, leading=15, alignment=1, spaceAfter=8 * mm),
    "label": ParagraphStyle("label", fontSize=9, leading=12, textColor=colors.HexColor("#444444"), spaceBefore=3 * mm),
    "value": ParagraphStyle("value", fontSize=12, leading=16),
    "name": ParagraphStyle("name", fontSize=15, leading=20),
    "condition": ParagraphStyle(
        "condition", fontSize=11, leading=15, leftIndent=6 * mm, bulletIndent=0, spaceAfter=2 * mm
    ),
    "banner": ParagraphStyle(
        "banner",
        fontSize=14,
        leading=20,
        alignment=1,
        textColor=colors.HexColor("#8a1c1c"),
        borderColor=colors.HexColor("#8a1c1c"),
        borderWidth=2,
        borderPadding=3 * mm,
        spaceBefore=3 * mm,
        spaceAfter=6 * mm,
    ),
    "small": ParagraphStyle("small", fontSize=9, leading=12, spaceBefore=8 * mm),
}


def certificate_render(content: CertificateContent) -> bytes:
    """The certificate as PDF bytes: A4, conditions wrapped and continued onto further pages as needed."""
    _register_cid_fonts()
    cjk = _cjk_font()
    buffer = io.BytesIO()
    title = _("Licence certificate")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=f"{title} {content.number}",
        author=content.regulator,
        subject=content.firm_name_en,
    )

    def para(text: str, style: str, *, bold: bool = False) -> Paragraph:
        return _paragraph(text, STYLES[style], cjk_font=cjk, bold=bold)

    story: list[Any] = [para(title, "title", bold=True), para(content.regulator, "subtitle")]
    if not content.in_force:
        story.append(para(_("NOT IN FORCE — %(status)s") % {"status": content.status.upper()}, "banner", bold=True))
    story += [para(_("Licence number"), "label"), para(content.number, "name", bold=True)]
    story += [para(_("Licensed firm"), "label"), para(content.firm_name_en, "name", bold=True)]
    if content.firm_name_zh:
        # The registered Chinese name is set in the Traditional Chinese font, whatever the reader's language.
        zh_style = ParagraphStyle("name-zh", parent=STYLES["name"], fontName=TRADITIONAL_FONT, wordWrap="CJK")
        story.append(Paragraph(escape(content.firm_name_zh), zh_style))
    story += [
        para(_("Licence type"), "label"),
        para(content.licence_type, "value"),
        para(_("Regime"), "label"),
        para(content.regime, "value"),
        para(_("Granted on"), "label"),
        para(content.granted_on, "value"),
        para(_("Status on %(date)s") % {"date": content.as_of}, "label"),
        para(content.status, "value", bold=True),
        para(_("Conditions in force"), "label"),
    ]
    if content.conditions:
        for number, condition in enumerate(content.conditions, start=1):
            paragraph = _paragraph(condition, STYLES["condition"], cjk_font=cjk)
            paragraph.bulletText = f"{number}."
            story.append(paragraph)
    else:
        story.append(para(_("None."), "value"))
    story += [
        Spacer(1, 4 * mm),
        para(_("Issued by %(regulator)s.") % {"regulator": content.regulator}, "small"),
        para(_("Verify at %(url)s") % {"url": content.verify_url}, "small"),
    ]

    def on_page(canvas: Canvas, doc: Any) -> None:
        text = _("%(number)s, page %(page)s") % {"number": content.number, "page": doc.page}
        canvas.saveState()
        canvas.setFont(_font_for(text, cjk_font=cjk), 8)
        canvas.drawRightString(A4[0] - 22 * mm, 12 * mm, text)
        canvas.restoreState()

    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def certificate_content(*, licence: Licence, verify_url: str, now: datetime | None = None) -> CertificateContent:
    now = timezone.localtime(now or timezone.now())
    conditions = licence.conditions.in_force().order_by("imposed_at", "pk")
    return CertificateContent(
        number=licence.number,
        firm_name_en=licence.firm.legal_name_en,
        firm_name_zh=licence.firm.legal_name_zh,
        licence_type=licence.licence_type.name,
        regime=str(licence.licence_type.get_regime_display()),
        granted_on=timezone.localtime(licence.granted_at).date().isoformat(),
        status=str(licence.get_status_display()),
        in_force=licence.status == LicenceStatus.ACTIVE,
        as_of=now.date().isoformat(),
        conditions=[condition.text for condition in conditions],
        regulator=settings.REGULATOR_NAME,
        verify_url=verify_url,
    )


def licence_certificate_pdf(*, licence: Licence, actor: User, verify_url: str) -> bytes:
    """The certificate of `licence` as it stands now, for a member of its firm or a regulator.

    Anyone else gets NotPermitted. Every certificate handed out is recorded as
    "licence.certificate_download"; a rendering failure records nothing.
    """
    if actor is None or not rules.has_perm("licences.view", actor, licence):
        raise NotPermitted(_("You may not download the certificate of licence %(number)s.") % {"number": licence})
    content = certificate_content(licence=licence, verify_url=verify_url)
    pdf = certificate_render(content)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=actions.LICENCE_CERTIFICATE_DOWNLOAD,
            obj=licence,
            payload={"status": licence.status, "conditions": len(content.conditions), "as_of": content.as_of},
        )
    return pdf
