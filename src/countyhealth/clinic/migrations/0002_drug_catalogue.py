"""Load the drug catalogue (国家基本药物目录 subset) and the fee items from the app's CSV files."""

from django.db import migrations


def load(apps, schema_editor):
    from countyhealth.clinic import catalogue

    Drug = apps.get_model("clinic", "Drug")
    FeeItem = apps.get_model("clinic", "FeeItem")
    for row in catalogue.drug_rows():
        fields = catalogue.drug_fields(row)
        Drug.objects.update_or_create(code=fields.pop("code"), defaults=fields)
    for row in catalogue.fee_item_rows():
        FeeItem.objects.update_or_create(code=row.pop("code"), defaults=row)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
