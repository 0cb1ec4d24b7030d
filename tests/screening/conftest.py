from pathlib import Path

import pytest

from screening.services import sanctions_list_load

SAMPLES = Path(__file__).resolve().parents[2] / "screening" / "samples"
UN_SAMPLE = SAMPLES / "un_sc_sample.xml"
OPENSANCTIONS_SAMPLE = SAMPLES / "opensanctions_sample.csv"


@pytest.fixture
def sample_lists(db) -> None:
    """The invented sample lists; without this fixture the list table is empty and nothing is ever a hit."""
    sanctions_list_load(path=UN_SAMPLE)
    sanctions_list_load(path=OPENSANCTIONS_SAMPLE)
