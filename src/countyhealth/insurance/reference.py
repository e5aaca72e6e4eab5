"""What the real platform already knows about us — designated institutions and insured residents — handed to
the simulator in bulk (the seed call). Residents without an ID number cannot be insured persons."""

from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident

from . import adapter
from .fees import INSTITUTION_LEVEL

BATCH = 5000


def institutions() -> list[dict]:
    return [{"code": o.code, "name": o.name, "level": INSTITUTION_LEVEL[o.org_type]}
            for o in Organisation.objects.filter(org_type__in=list(INSTITUTION_LEVEL)).only("code", "name", "org_type")]


def persons(residents=None):
    """Insured persons in batches, keyed by certificate number (身份证号)."""
    qs = (residents if residents is not None else Resident.objects.all()).filter(
        is_active=True, id_number__isnull=False).exclude(id_number="").order_by("pk")
    batch = []
    for r in qs.values("id_number", "name", "sex", "birth_date", "village__division_code").iterator(chunk_size=BATCH):
        batch.append({"certno": r["id_number"], "psn_name": r["name"], "gend": r["sex"],
                      "brdy": r["birth_date"].isoformat(), "insuplc_admdvs": (r["village__division_code"] or "")[:6]})
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def load_simulator(residents=None) -> dict:
    loaded = adapter.load_reference_data(institutions=institutions(), persons=[])
    loaded["persons"] = sum(adapter.load_reference_data(institutions=[], persons=b)["persons"]
                            for b in persons(residents))
    return loaded
