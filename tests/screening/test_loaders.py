from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from screening.choices import EntryKind, ListSource
from screening.loaders import detect_source
from screening.models import SanctionsEntry, SanctionsNameKey
from screening.services import sanctions_list_load
from tests.screening.conftest import OPENSANCTIONS_SAMPLE, UN_SAMPLE

pytestmark = pytest.mark.django_db


def test_un_list_loads_individuals_and_entities_and_skips_records_without_id():
    result = sanctions_list_load(path=UN_SAMPLE)

    assert (result.source, result.read, result.created, result.updated, result.skipped) == ("un_sc", 3, 3, 0, 1)
    person = SanctionsEntry.objects.get(source=ListSource.UN_SC, source_id="9000001")
    assert person.name == "ZORAN VELIMIR KASTELLAN"
    assert person.kind == EntryKind.PERSON
    assert person.aliases == ["Zoran Kastelan"]  # the empty alias is dropped
    assert person.birth_dates == ["1968-04-12"]
    assert person.countries == ["Freedonia"]
    assert (person.programme, person.reference, person.listed_on) == ("DEMO", "XDi.001", date(2019, 3, 4))
    assert SanctionsEntry.objects.get(source_id="9000002").birth_dates == ["1975"]
    entity = SanctionsEntry.objects.get(source_id="9100001")
    assert (entity.kind, entity.aliases, entity.countries) == (
        EntryKind.ORGANISATION,
        ["Northwind Orbital"],
        ["Freedonia"],
    )


def test_opensanctions_csv_loads_people_and_companies_and_skips_vessels():
    result = sanctions_list_load(path=OPENSANCTIONS_SAMPLE)

    assert (result.source, result.read, result.created, result.skipped) == ("opensanctions", 3, 3, 1)
    person = SanctionsEntry.objects.get(source=ListSource.OPENSANCTIONS, source_id="demo-p-0001")
    assert person.aliases == ["Margot Okonkwo", "M. Okonkwo-Delacroix"]
    assert person.countries == ["FR", "NG"]
    assert SanctionsEntry.objects.get(source_id="demo-c-0001").kind == EntryKind.ORGANISATION
    assert not SanctionsEntry.objects.filter(source_id="demo-v-0001").exists()


def test_reloading_a_list_updates_in_place_and_duplicates_nothing():
    sanctions_list_load(path=UN_SAMPLE)
    keys_before = SanctionsNameKey.objects.count()

    again = sanctions_list_load(path=UN_SAMPLE)

    assert (again.created, again.updated) == (0, 3)
    assert SanctionsEntry.objects.count() == 3
    assert SanctionsNameKey.objects.count() == keys_before
    assert AuditEvent.objects.filter(action="screening.list_load").count() == 2


def test_a_reload_replaces_changed_names_and_their_keys(tmp_path):
    sanctions_list_load(path=OPENSANCTIONS_SAMPLE)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        OPENSANCTIONS_SAMPLE.read_text(encoding="utf-8").replace("Crimson Ledger Digital Assets Ltd", "Scarlet Abacus"),
        encoding="utf-8",
    )

    sanctions_list_load(path=changed)

    entry = SanctionsEntry.objects.get(source_id="demo-c-0001")
    assert entry.name == "Scarlet Abacus"
    assert entry.name_keys.filter(key="p:sca").exists()
    assert not entry.name_keys.filter(key="s:dge", entry__aliases=[]).exists()


def test_the_format_is_told_from_the_extension_or_else_the_content(tmp_path):
    xml_without_extension = tmp_path / "consolidated"
    xml_without_extension.write_bytes(UN_SAMPLE.read_bytes())
    assert detect_source(UN_SAMPLE) == ListSource.UN_SC
    assert detect_source(OPENSANCTIONS_SAMPLE) == ListSource.OPENSANCTIONS
    assert detect_source(xml_without_extension) == ListSource.UN_SC


def test_the_command_reports_counts_and_refuses_a_file_of_the_wrong_format(tmp_path):
    out = StringIO()
    call_command("screening_load", str(OPENSANCTIONS_SAMPLE), stdout=out)
    assert "3 entries read, 3 created, 0 updated, 1 skipped" in out.getvalue()

    with pytest.raises(CommandError, match="could not be read"):
        call_command("screening_load", str(OPENSANCTIONS_SAMPLE), "--source", "un", stdout=StringIO())
    with pytest.raises(CommandError, match="no column"):
        call_command("screening_load", str(UN_SAMPLE), "--source", "opensanctions", stdout=StringIO())
