import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.choices import RegulatorRole

pytestmark = pytest.mark.django_db


def test_migrate_creates_every_role_group_with_admin_read_access():
    for role in RegulatorRole:
        codenames = set(Group.objects.get(name=role.value).permissions.values_list("codename", flat=True))
        assert {"view_licenceapplication", "view_auditevent", "view_decision"} <= codenames
        assert "change_licenceapplication" not in codenames


def test_only_licensing_managers_maintain_the_configuration():
    manager = set(Group.objects.get(name="licensing_manager").permissions.values_list("codename", flat=True))
    officer = set(Group.objects.get(name="case_officer").permissions.values_list("codename", flat=True))
    assert {"change_licencetype", "add_requireddocument", "change_documenttype"} <= manager
    assert "change_licencetype" not in officer


def test_the_sync_restores_permissions_removed_by_hand():
    auditor = Group.objects.get(name="auditor")
    auditor.permissions.clear()
    call_command("migrate", verbosity=0)
    assert auditor.permissions.filter(codename="view_auditevent").exists()
