"""The translation catalogues: complete, consistent with their compiled files, and used by the pages.

The regulator's workspace and sign-in pages are in English and Traditional Chinese, the applicant side also in
Simplified Chinese. The catalogues are read here with a small .po parser and Python's own `gettext`, so the tests need
no gettext tools on the machine.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.choices import RegulatorRole
from tests.factories import UserFactory

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = {"zh_Hant": "zh-hant", "zh_Hans": "zh-hans"}

# Python %-format placeholders (named or positional), str.format fields, and HTML tags.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifr]")
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
HTML_TAG = re.compile(r"<[^>]+>")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda match: escapes.get(match.group(1), match.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first; enough of the format for what makemessages writes."""
    entries: list[Entry] = []
    entry: Entry | None = None
    current: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, current
        if entry is not None and entry.msgstr:
            entries.append(entry)
        entry, current = None, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            finish()
            entries.append(Entry(obsolete=True))
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:
                finish()
            entry = entry or Entry()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None and entry is not None, f"{path}: a continuation line outside an entry: {raw}"
            name, index = current
            if name == "msgid":
                entry.msgid += _unquote(line)
            elif name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + _unquote(line)
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + _unquote(line)
            else:
                entry.msgstr[index] += _unquote(line)
            continue
        if keyword in ("msgid", "msgctxt") and entry is not None and entry.msgstr:
            finish()
        entry = entry or Entry()
        if keyword == "msgctxt":
            entry.msgctxt, current = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, current = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, current = _unquote(rest), ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], current = _unquote(rest), ("msgstr", index)
        else:
            raise AssertionError(f"{path}: a line this parser does not know: {raw}")
    finish()
    return entries


def catalogue(locale: str) -> tuple[Entry, list[Entry]]:
    """The header entry and the messages of one catalogue."""
    entries = parse_po(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po")
    header, messages = entries[0], entries[1:]
    assert header.msgid == "", "the catalogue should start with its header"
    return header, messages


def header_fields(header: Entry) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)


def placeholders(text: str) -> list[str]:
    return sorted(
        PERCENT_PLACEHOLDER.findall(text) + BRACE_PLACEHOLDER.findall(text) + HTML_TAG.findall(text),
    )


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Chinese activates that language in the test's thread; the next test starts in English again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The catalogues themselves


@pytest.mark.parametrize("locale", CATALOGUES)
def test_every_message_in_the_catalogue_has_a_translation_and_none_is_fuzzy(locale):
    header, messages = catalogue(locale)

    assert len(messages) > 300
    assert "fuzzy" not in header.flags
    untranslated = [entry.msgid for entry in messages if not all(entry.msgstr.values())]
    fuzzy = [entry.msgid for entry in messages if "fuzzy" in entry.flags]
    assert untranslated == []
    assert fuzzy == []
    assert not any(entry.obsolete for entry in messages), "obsolete entries should be dropped (--no-obsolete)"


@pytest.mark.parametrize("locale", CATALOGUES)
def test_the_header_names_the_language_and_its_single_plural_form(locale):
    header, messages = catalogue(locale)
    fields = header_fields(header)

    assert fields["Language"] == locale
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    plurals = [entry for entry in messages if entry.msgid_plural is not None]
    assert plurals, "the catalogue should have plural messages to check"
    assert all(set(entry.msgstr) == {0} for entry in plurals)


@pytest.mark.parametrize("locale", CATALOGUES)
def test_placeholders_and_html_tags_in_each_translation_match_those_of_the_english(locale):
    _, messages = catalogue(locale)

    mismatches = []
    for entry in messages:
        # Chinese has one plural form, which stands for the English plural.
        english = entry.msgid if entry.msgid_plural is None else entry.msgid_plural
        for translated in entry.msgstr.values():
            if placeholders(translated) != placeholders(english):
                mismatches.append((entry.msgid, translated))
    assert mismatches == []


def test_both_chinese_catalogues_hold_the_same_messages():
    _, traditional = catalogue("zh_Hant")
    _, simplified = catalogue("zh_Hans")

    assert [entry.msgid for entry in traditional] == [entry.msgid for entry in simplified]


@pytest.mark.parametrize("locale", CATALOGUES)
def test_the_compiled_catalogue_is_up_to_date_with_its_source(locale):
    """The .mo files are committed so that a machine without gettext runs translated; they must match the .po."""
    _, messages = catalogue(locale)
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo").open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)

    stale = []
    for entry in messages:
        if entry.msgid_plural is None:
            found = compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)
        elif entry.msgctxt:
            found = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
        else:
            found = compiled.ngettext(entry.msgid, entry.msgid_plural, 2)
        if found != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert stale == []
    assert compiled.info()["plural-forms"] == "nplurals=1; plural=0;"


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hant", "雙重認證"), ("zh-hans", "双重认证"), ("en", "Two-factor")]
)
def test_django_translates_a_message_through_the_catalogue_of_the_active_language(language, expected):
    with translation.override(language):
        assert expected in translation.gettext("Two-factor authentication")


def test_a_plural_message_uses_the_single_chinese_form_for_any_count():
    with translation.override("zh-hant"):
        one = translation.ngettext("%(left)s day left", "%(left)s days left", 1) % {"left": 1}
        many = translation.ngettext("%(left)s day left", "%(left)s days left", 5) % {"left": 5}

    assert (one, many) == ("尚餘1日", "尚餘5日")


# The pages


def regulator_client(client):
    client.force_login(UserFactory(roles=[RegulatorRole.CASE_OFFICER]))
    return client


@pytest.mark.django_db
def test_the_sign_in_page_is_in_traditional_chinese_when_the_browser_asks_for_it(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()

    assert '<html lang="zh-hant">' in page
    assert "登入" in page
    assert "請以你的電郵地址及密碼登入" in page


@pytest.mark.django_db
def test_a_hong_kong_browser_gets_the_sign_in_page_in_traditional_chinese(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-HK,zh;q=0.9,en;q=0.8").content.decode()

    assert '<html lang="zh-hant">' in page
    assert "登入" in page


@pytest.mark.django_db
def test_the_sign_in_page_is_in_simplified_chinese_when_the_language_cookie_says_so(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = client.get(reverse("account_login")).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "请使用您的电子邮件地址和密码登录" in page


@pytest.mark.django_db
def test_the_sign_in_page_stays_in_english_without_a_language_choice(client):
    page = client.get(reverse("account_login")).content.decode()

    assert '<html lang="en">' in page
    assert "Sign in with your e-mail address and password" in page
    assert "登入" not in page


@pytest.mark.django_db
def test_the_workspace_queue_page_is_in_traditional_chinese_when_the_language_cookie_says_so(client):
    client = regulator_client(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"

    response = client.get(reverse("reviews:queue"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hant">' in page
    assert "隊列" in page
    assert "未分派" in page
    assert "篩選隊列" in page
    assert "Filter the queue" not in page


@pytest.mark.django_db
def test_the_workspace_dashboard_is_in_traditional_chinese_when_the_browser_asks_for_it(client):
    client = regulator_client(client)

    response = client.get(reverse("reviews:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hant")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hant">' in page
    assert "儀表板" in page
    assert "進展到哪個階段" in page
    assert "Applications: how far they got" not in page


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie_and_the_next_page_follows_it(client):
    client = regulator_client(client)

    client.post(reverse("set_language"), {"language": "zh-hant", "next": reverse("reviews:queue")})
    page = client.get(reverse("reviews:queue")).content.decode()

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    assert "隊列" in page
