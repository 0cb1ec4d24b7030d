"""Name normalisation and fuzzy matching, pure functions with no database access.

Names are transliterated to Latin (Chinese characters become one pinyin syllable each, via
anyascii), case-folded, stripped of punctuation, diacritics and legal forms ("Limited", "有限公司"),
then compared as token lists. The score is the best of rapidfuzz's token-sort ratio and a plain
ratio of the names with their spaces removed, trying every order of the screened name's tokens:
that catches "Xiaoming Wang" against "WANG Xiao Ming" as well as reordered Western names.
"""

import itertools
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii
from django.conf import settings
from rapidfuzz import fuzz

DEFAULT_THRESHOLD = 85
MAX_PERMUTED_TOKENS = 5  # 5! = 120 orders; longer names fall back to the token-sort ratio alone

# Legal forms and filler words, after transliteration: they say nothing about who a firm is.
STOP_TOKENS = frozenset(
    {"limited", "ltd", "llc", "plc", "inc", "incorporated", "corp", "corporation", "co", "company", "the"}
    | {"gmbh", "ag", "sa", "bv", "nv", "pte", "pty", "jsc", "ooo", "holdings", "group"}
)
# 有限公司 and 公司 (a company limited), after pinyin transliteration, also written together.
STOP_SEQUENCES = (("you", "xian", "gong", "si"), ("gong", "si"), ("youxian", "gongsi"), ("gongsi",))
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def threshold() -> int:
    return int(getattr(settings, "SCREENING_THRESHOLD", DEFAULT_THRESHOLD))


def _is_cjk(char: str) -> bool:
    return unicodedata.category(char) == "Lo" and "CJK" in unicodedata.name(char, "")


def transliterate(name: str) -> str:
    # anyascii writes "王小明" as "WangXiaoMing"; spacing each ideograph keeps its syllables as tokens.
    spaced = "".join(f" {char} " if _is_cjk(char) else char for char in name)
    return anyascii(spaced)


def _drop_stop_sequences(tokens: list[str]) -> list[str]:
    for sequence in STOP_SEQUENCES:
        size = len(sequence)
        if len(tokens) > size and tuple(tokens[-size:]) == sequence:
            tokens = tokens[:-size]
    return tokens


def normalise_tokens(name: str) -> list[str]:
    """The comparable tokens of a name; empty when nothing comparable is left."""
    text = _NOT_ALNUM.sub(" ", transliterate(name).casefold()).split()
    tokens = [token for token in text if token not in STOP_TOKENS]
    return _drop_stop_sequences(tokens) or tokens


def normalise(name: str) -> str:
    return " ".join(normalise_tokens(name))


def blocking_keys(tokens: Iterable[str]) -> set[str]:
    """Prefix and suffix trigrams of each token: a typo at one end of a word still shares a key."""
    keys: set[str] = set()
    for token in tokens:
        if len(token) < 3:
            keys.add(f"w:{token}")
        else:
            keys.update((f"p:{token[:3]}", f"s:{token[-3:]}"))
    return keys


def similarity(query: list[str], candidate: list[str], *, score_cutoff: float = 0) -> int:
    """0 to 100: how alike two token lists are, whatever the order and spacing of the query's tokens."""
    if not query or not candidate:
        return 0
    best = fuzz.token_sort_ratio(" ".join(query), " ".join(candidate), score_cutoff=score_cutoff)
    target = "".join(candidate)
    if len(query) <= MAX_PERMUTED_TOKENS:
        for order in itertools.permutations(query):
            best = max(best, fuzz.ratio("".join(order), target, score_cutoff=score_cutoff))
            if best == 100:
                break
    return round(best)


def best_match(query: list[str], candidates: Iterable[list[str]]) -> tuple[int, int] | None:
    """(score, index) of the candidate most like the query, or None when there is none."""
    scored = [(similarity(query, candidate), index) for index, candidate in enumerate(candidates)]
    return max(scored, key=lambda pair: (pair[0], -pair[1]), default=None)
