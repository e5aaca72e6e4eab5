"""The one adapter to the medical-insurance platform (国家医保信息平台 定点医药机构接口, JSON envelope).

Every call carries a msgid; a retry after a timeout or a dropped connection sends the SAME msgid, and the
platform answers a repeated msgid with its stored answer, so a retry never settles twice."""

import time
import uuid
from decimal import Decimal

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyhealth.core.errors import ActionError


class Refused(ActionError):
    """The platform answered with infcode -1: its reason is shown as given (it is already Chinese)."""

    def __init__(self, infno: str, err_msg: str):
        super().__init__(_("The insurance platform refused (%(infno)s): %(reason)s") % {"infno": infno,
                                                                                       "reason": err_msg},
                         code="insurance_refused")
        self.infno, self.err_msg = infno, err_msg


class Unavailable(ActionError):
    status = 503

    def __init__(self, infno: str):
        super().__init__(_("The insurance platform did not answer (%(infno)s). Nothing was charged twice; "
                           "try again or run reconciliation.") % {"infno": infno}, code="insurance_unavailable")
        self.infno = infno


def new_msgid() -> str:
    return uuid.uuid4().hex


def yuan(value) -> str:
    return f"{Decimal(value):.2f}"


_client: httpx.Client | None = None


def client() -> httpx.Client:
    """One pooled client per process (connection reuse matters at the counter's pace)."""
    global _client
    if _client is None or str(_client.base_url) != settings.INSURANCE_URL:
        _client = httpx.Client(base_url=settings.INSURANCE_URL, timeout=settings.INSURANCE_TIMEOUT)
    return _client


def call(infno: str, input_: dict, *, msgid: str, institution_code: str, operator: str = "") -> dict:
    """Send one transaction; returns `output`. Raises Refused (infcode ≠ 0) or Unavailable (after retries)."""
    envelope = {"infno": infno, "msgid": msgid, "fixmedins_code": institution_code, "opter": operator,
                "inf_time": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"), "input": input_}
    attempts = 1 + settings.INSURANCE_RETRIES
    for attempt in range(attempts):
        try:
            response = client().post(f"fsi/api/{infno}", json=envelope)
            if response.status_code >= 500:
                raise httpx.HTTPStatusError("server error", request=response.request, response=response)
            body = response.json()
        except (httpx.TransportError, httpx.HTTPStatusError, ValueError):
            if attempt + 1 == attempts:
                raise Unavailable(infno) from None
            time.sleep(0.2 * (attempt + 1))
            continue
        if body.get("infcode") != 0:
            raise Refused(infno, body.get("err_msg") or "")
        return body.get("output") or {}
    raise Unavailable(infno)  # pragma: no cover - the loop returns or raises


# -- the transactions, by name -------------------------------------------------------------------------------

def query_person(*, certno: str, institution_code: str) -> dict:
    return call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": certno}}, msgid=new_msgid(),
                institution_code=institution_code)


def register_visit(*, psn_no: str, visit_ref: str, msgid: str, institution_code: str) -> str:
    out = call("2201", {"data": {"psn_no": psn_no, "insutype": "390", "mdtrt_cert_type": "02",
                                 "ipt_otp_no": visit_ref,
                                 "begntime": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")}},
               msgid=msgid, institution_code=institution_code)
    return out["data"]["mdtrt_id"]


def upload_fees(*, mdtrt_id: str, psn_no: str, items: list, msgid: str, institution_code: str) -> None:
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    call("2204", {"feedetail": [{"feedetl_sn": str(i.sn), "mdtrt_id": mdtrt_id, "psn_no": psn_no, "med_type": "11",
                                 "fee_ocur_time": now, "med_list_codg": i.code, "medins_list_codg": i.code,
                                 "medins_list_name": i.name, "cnt": str(i.quantity), "pric": yuan(i.unit_price),
                                 "det_item_fee_sumamt": yuan(i.amount)} for i in items]},
         msgid=msgid, institution_code=institution_code)


def _settle_input(s) -> dict:
    return {"data": {"psn_no": s.psn_no, "mdtrt_id": s.mdtrt_id, "medfee_sumamt": yuan(s.total), "med_type": "11",
                     "insutype": "390", "mdtrt_cert_type": "02"}}


def presettle(s, *, msgid: str, institution_code: str) -> dict:
    return call("2206", _settle_input(s), msgid=msgid, institution_code=institution_code)


def settle(s, *, institution_code: str) -> dict:
    return call("2207", _settle_input(s), msgid=s.msgid, institution_code=institution_code)


def reverse(s, *, institution_code: str) -> dict:
    return call("2208", {"data": {"psn_no": s.psn_no, "mdtrt_id": s.mdtrt_id, "setl_id": s.setl_id}},
                msgid=s.reversal_msgid, institution_code=institution_code)


def settlements_of_visit(*, mdtrt_id: str, institution_code: str) -> list[dict]:
    return call("5203", {"data": {"mdtrt_id": mdtrt_id}}, msgid=new_msgid(),
                institution_code=institution_code)["setlinfo"]


def reconcile_totals(*, day, totals: dict, institution_code: str) -> dict:
    return call("3201", {"data": {"insutype": "390", "clr_type": "11", "stmt_begndate": day.isoformat(),
                                  "stmt_enddate": day.isoformat(), **totals}},
                msgid=new_msgid(), institution_code=institution_code)["result"]


def reconcile_details(*, day, institution_code: str) -> list[dict]:
    return call("3202", {"data": {"stmt_begndate": day.isoformat(), "stmt_enddate": day.isoformat()}},
                msgid=new_msgid(), institution_code=institution_code)["setlinfo"]


def register_condition(*, psn_no: str, code: str, begndate, msgid: str, institution_code: str) -> None:
    call("2503", {"data": {"psn_no": psn_no, "opsp_dise_code": code, "begndate": begndate.isoformat()}},
         msgid=msgid, institution_code=institution_code)


def end_condition(*, psn_no: str, code: str, enddate, msgid: str, institution_code: str) -> None:
    call("2504", {"data": {"psn_no": psn_no, "opsp_dise_code": code, "enddate": enddate.isoformat()}},
         msgid=msgid, institution_code=institution_code)


# -- what the real platform already knows; the simulator takes it in bulk (not a national transaction) ---------

def load_reference_data(*, institutions: list[dict], persons: list[dict], settlements: list[dict] = ()) -> dict:
    out = {}
    for path, key, rows in (("sim/institutions", "institutions", institutions), ("sim/persons", "persons", persons),
                            ("sim/settlements", "settlements", list(settlements))):
        if key == "settlements" and not rows:
            out[key] = 0
            continue
        response = client().post(path, json={key: rows}, timeout=max(settings.INSURANCE_TIMEOUT, 60))
        response.raise_for_status()
        out[key] = response.json()["loaded"]
    return out
