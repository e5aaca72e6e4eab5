"""Seed recognition rules (互认规则). 《医疗机构检查检验结果互认管理办法》(国卫医发〔2022〕6号) leaves the period to each
item's characteristics; the windows below are a **project decision**: labile analytes (K⁺, Na⁺, blood counts)
days, chronic-disease monitoring (HbA1c, lipids, creatinine) weeks to a quarter; troponin never (serial
measurements are the point). Township centres are recognised for the basic chronic panel only."""

from django.db import migrations

COUNTY = {"potassium": 3, "sodium": 3, "calcium_total": 7, "glucose": 1, "fpg": 7, "hba1c": 90, "tc": 30,
          "tg": 30, "ldl_c": 30, "hdl_c": 30, "creatinine": 30, "haemoglobin": 7, "wbc": 3, "platelets": 7, "inr": 3}
TOWNSHIP = {"fpg": 7, "hba1c": 90, "tc": 30, "tg": 30, "ldl_c": 30, "hdl_c": 30, "creatinine": 30, "haemoglobin": 7}


def seed(apps, schema_editor):
    Rule = apps.get_model("lab", "RecognitionRule")
    rows = [Rule(test_code=c, performing_org_type="county_hospital", window_days=d) for c, d in COUNTY.items()]
    rows += [Rule(test_code=c, performing_org_type="township_centre", window_days=d) for c, d in TOWNSHIP.items()]
    Rule.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("lab", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
