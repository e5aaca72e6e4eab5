"""Seed the notifiable-disease catalogue from notifiable-diseases.md §1 (data in surveillance/catalogue.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from countyhealth.surveillance.catalogue import DISEASES

    disease = apps.get_model("surveillance", "NotifiableDisease")
    fields = {f.name for f in disease._meta.get_fields()}  # later columns are seeded by later migrations
    for row in DISEASES:
        key = {"code": row["code"], "valid_from": row["valid_from"]}
        disease.objects.update_or_create(**key, defaults={k: v for k, v in row.items()
                                                          if k not in key and k in fields})


def unseed(apps, schema_editor):
    apps.get_model("surveillance", "NotifiableDisease").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("surveillance", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
