from django.db import migrations


def rename_series(apps, schema_editor):
    """Licence number series were named after the licence type's code; they are named after its prefix now."""
    LicenceType = apps.get_model("applications", "LicenceType")
    ReferenceSequence = apps.get_model("applications", "ReferenceSequence")
    for licence_type in LicenceType.objects.all():
        old, new = f"licence-{licence_type.code}", f"licence-{licence_type.licence_number_prefix}"
        if old == new:
            continue
        for sequence in ReferenceSequence.objects.filter(name=old):
            merged, _ = ReferenceSequence.objects.get_or_create(name=new, year=sequence.year)
            merged.last_value = max(merged.last_value, sequence.last_value)
            merged.save(update_fields=["last_value"])
            sequence.delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_created_at_default_now")]

    operations = [migrations.RunPython(rename_series, migrations.RunPython.noop)]
