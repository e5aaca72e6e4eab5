"""What the real platform already knows about us — designated institutions and insured residents — handed to
the simulator in bulk (the seed call). Residents without an ID number cannot be insured persons."""

from countyhealth.orgs.models import Organisation
from countyhealth.residents.models import Resident

from . import adapter, rules
from .fees import INSTITUTION_LEVEL
from .models import Settlement

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


def settlements():
    """Settlements this side holds as settled (e.g. a demo county's past days), for a simulator that starts empty,
    in batches: the platform would know them, so reconciliation of those days balances."""
    from .fees import VISIT_PREFIX

    qs = (Settlement.objects.filter(status=rules.SETTLED).exclude(setl_id="").order_by("pk")
          .values("setl_id", "mdtrt_id", "psn_no", "msgid", "visit_ref", "organisation__code", "answer"))
    batch = []
    for s in qs.iterator(chunk_size=BATCH):
        setlinfo = (s["answer"] or {}).get("setlinfo") or {}
        if "setl_time" not in setlinfo:
            continue
        batch.append({"setl_id": s["setl_id"], "mdtrt_id": s["mdtrt_id"], "psn_no": s["psn_no"],
                      "msgid": s["msgid"], "fixmedins_code": s["organisation__code"],
                      "ipt_otp_no": s["visit_ref"] or VISIT_PREFIX, "detail": s["answer"].get("setldetail", []),
                      **{k: setlinfo[k] for k in ("setl_time", "medfee_sumamt", "act_pay_dedc", "hifp_pay", "lb_pay",
                                                  "psn_cash_pay")}})
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def load_simulator(residents=None, *, history: bool = False) -> dict:
    loaded = adapter.load_reference_data(institutions=institutions(), persons=[])
    loaded["persons"] = sum(adapter.load_reference_data(institutions=[], persons=b)["persons"]
                            for b in persons(residents))
    loaded["settlements"] = sum(adapter.load_reference_data(institutions=[], persons=[], settlements=b)["settlements"]
                                for b in settlements()) if history else 0
    return loaded
