from django.db import migrations

from applications.configuration import install_default_configuration


def install(apps, schema_editor):
    install_default_configuration(
        apps.get_model("applications", "DocumentType"),
        apps.get_model("applications", "LicenceType"),
        apps.get_model("applications", "RequiredDocument"),
    )


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
