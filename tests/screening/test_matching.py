"""Scores of names against the sample lists: exact, reordered, transliterated, near misses."""

import pytest

from screening.matching import DEFAULT_THRESHOLD, normalise, normalise_tokens, similarity
from screening.services import screening_matches

pytestmark = pytest.mark.django_db


def best(name: str) -> tuple[str, int] | None:
    matches = screening_matches(names=[name])
    return (matches[0].entry.source_id, matches[0].score) if matches else None


def score(a: str, b: str) -> int:
    return similarity(normalise_tokens(a), normalise_tokens(b))


def test_normalisation_folds_case_accents_punctuation_legal_forms_and_chinese_script():
    assert normalise("  Zoë  O'Brien-Łukasz ") == "zoe o brien lukasz"
    assert normalise("王小明") == "wang xiao ming"
    assert normalise("Northwind Orbital Exchange Ltd.") == "northwind orbital exchange"
    assert normalise("北風軌道交易所有限公司") == normalise("北風軌道交易所")


def test_an_exact_name_scores_100(sample_lists):
    assert best("Zoran Velimir Kastellan") == ("9000001", 100)


def test_a_reordered_name_with_punctuation_scores_100(sample_lists):
    assert best("KASTELLAN, Zoran Velimir") == ("9000001", 100)


def test_a_chinese_name_matches_its_romanisation_on_the_list(sample_lists):
    assert best("喬正遠") == ("9000002", 100)
    assert best("Zhengyuan Qiao") == ("9000002", 100)  # given name first, syllables joined


def test_a_romanised_name_matches_a_name_listed_in_chinese(sample_lists):
    assert best("Lin Haoyu") == ("demo-p-0002", 100)


def test_a_company_matches_without_its_legal_form(sample_lists):
    assert best("Northwind Orbital Exchange Limited") == ("9100001", 100)


def test_a_small_spelling_difference_is_still_a_hit(sample_lists):
    found = best("Marguerite Okonkwo Delacroiks")
    assert found is not None and found[0] == "demo-p-0001"
    assert DEFAULT_THRESHOLD <= found[1] < 100


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("Goran Kastelic", "Zoran Kastelan"),
        ("Marguerite Delacroix", "Marguerite Okonkwo-Delacroix"),
        ("Northwind Capital Limited", "NORTHWIND ORBITAL EXCHANGE LTD"),
        ("Harbour Digital Assets 1 Limited", "Crimson Ledger Digital Assets Ltd"),
    ],
)
def test_a_near_miss_scores_below_the_threshold_and_is_no_hit(sample_lists, name, listed):
    assert 60 <= score(name, listed) < DEFAULT_THRESHOLD
    assert best(name) is None


def test_the_threshold_comes_from_settings(sample_lists, settings):
    settings.SCREENING_THRESHOLD = 60
    assert best("Goran Kastelic") == ("9000001", score("Goran Kastelic", "Zoran Kastelan"))
