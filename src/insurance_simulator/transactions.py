"""The national interface's transactions (国家医保信息平台 定点医药机构接口规范), one function per 交易编号.

Each takes the open database, the envelope and its `input`, and returns `output` or raises Refused
(infcode -1 with err_msg). Amounts travel as yuan strings with two decimals, as on the national interface."""

import json
import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from . import policy


def now() -> datetime:
    """The platform's local time (naive, as the national interface writes it): Beijing time."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)


class Refused(Exception):
    pass


def fen(yuan) -> int:
    return int((Decimal(str(yuan)) * 100).quantize(Decimal(1)))


def yuan(fen_amount: int) -> str:
    return f"{Decimal(fen_amount) / 100:.2f}"


def _institution(db, envelope):
    row = db.execute("SELECT * FROM institution WHERE code = ?", (envelope.get("fixmedins_code", ""),)).fetchone()
    if row is None:
        raise Refused("定点医药机构编号不存在")
    return row


def _person(db, psn_no):
    row = db.execute("SELECT * FROM person WHERE psn_no = ?", (psn_no,)).fetchone()
    if row is None:
        raise Refused("人员编号不存在")
    return row


def _conditions(db, psn_no, on: str) -> set[str]:
    rows = db.execute("SELECT disease FROM condition WHERE psn_no = ? AND begndate <= ? "
                      "AND (enddate IS NULL OR enddate >= ?)", (psn_no, on, on))
    return {policy.POLICY["two_disease"]["diseases"][r["disease"]] for r in rows}


def q1101(db, envelope, data):
    """人员信息获取: by certificate number (身份证号)."""
    row = db.execute("SELECT * FROM person WHERE certno = ?", (data.get("mdtrt_cert_no") or "",)).fetchone()
    if row is None:
        raise Refused("未查询到参保信息")
    today = now().date().isoformat()
    return {
        "baseinfo": {"psn_no": row["psn_no"], "psn_name": row["psn_name"], "gend": row["gend"],
                     "brdy": row["brdy"], "certno": row["certno"]},
        "insuinfo": [{"insutype": row["insutype"], "insuplc_admdvs": row["insuplc_admdvs"], "psn_insu_stas": "1"}],
        "idetinfo": [{"psn_idet_type": "lb", "disease": d} for d in sorted(_conditions(db, row["psn_no"], today))],
    }


def q2201(db, envelope, data):
    """门诊挂号: opens a visit (就诊) and returns its mdtrt_id."""
    _institution(db, envelope)
    _person(db, data.get("psn_no"))
    mdtrt_id = "MD" + uuid.uuid4().hex[:20].upper()
    db.execute("INSERT INTO visit VALUES (?, ?, ?, ?, ?)", (
        mdtrt_id, data["psn_no"], envelope["fixmedins_code"], str(data.get("ipt_otp_no", "")),
        data.get("begntime") or now().isoformat(timespec="seconds")))
    return {"data": {"mdtrt_id": mdtrt_id, "psn_no": data["psn_no"], "ipt_otp_no": data.get("ipt_otp_no")}}


def _visit(db, envelope, mdtrt_id):
    row = db.execute("SELECT * FROM visit WHERE mdtrt_id = ? AND fixmedins_code = ?",
                     (mdtrt_id or "", envelope.get("fixmedins_code", ""))).fetchone()
    if row is None:
        raise Refused("就诊信息不存在")
    return row


def _settled(db, mdtrt_id):
    return db.execute("SELECT * FROM settlement WHERE mdtrt_id = ? AND status = 'settled'", (mdtrt_id,)).fetchone()


def q2204(db, envelope, data):
    """门诊费用明细信息上传: replaces the visit's fee lines until it is settled."""
    lines = data.get("feedetail") or []
    if not lines:
        raise Refused("费用明细为空")
    mdtrt_id = lines[0].get("mdtrt_id")
    _visit(db, envelope, mdtrt_id)
    if _settled(db, mdtrt_id):
        raise Refused("该就诊已结算，不能上传费用")
    db.execute("DELETE FROM fee WHERE mdtrt_id = ?", (mdtrt_id,))
    result = []
    for line in lines:
        amount, pric = fen(line["det_item_fee_sumamt"]), fen(line["pric"])
        if amount < 0 or pric < 0:
            raise Refused("费用金额不能为负")
        db.execute("INSERT INTO fee VALUES (?, ?, ?, ?, ?, ?, ?)", (
            mdtrt_id, str(line["feedetl_sn"]), line["med_list_codg"], line.get("medins_list_name", ""),
            str(line["cnt"]), pric, amount))
        result.append({"feedetl_sn": line["feedetl_sn"], "det_item_fee_sumamt": yuan(amount)})
    return {"result": result}


def _used(db, psn_no, year, level):
    rows = db.execute("SELECT COALESCE(SUM(act_pay_dedc), 0) d, COALESCE(SUM(hifp_pay), 0) g, "
                      "COALESCE(SUM(lb_pay), 0) l FROM settlement WHERE psn_no = ? AND year = ? "
                      "AND status = 'settled'", (psn_no, year)).fetchone()
    return {"deductible": rows["d"], "general": rows["g"], "lb": rows["l"]}


def _compute(db, envelope, data):
    visit = _visit(db, envelope, data.get("mdtrt_id"))
    if visit["psn_no"] != data.get("psn_no"):
        raise Refused("人员与就诊信息不符")
    if _settled(db, visit["mdtrt_id"]):
        raise Refused("该就诊已结算，不能重复结算")
    fees = db.execute("SELECT * FROM fee WHERE mdtrt_id = ? ORDER BY feedetl_sn", (visit["mdtrt_id"],)).fetchall()
    if not fees:
        raise Refused("未上传费用明细")
    total = sum(f["amount"] for f in fees)
    if "medfee_sumamt" in data and fen(data["medfee_sumamt"]) != total:
        raise Refused("医疗费总额与上传明细不符")
    at = now()
    level = _institution(db, envelope)["level"]
    items = [{"feedetl_sn": f["feedetl_sn"], "med_list_codg": f["med_list_codg"], "amount": f["amount"]}
             for f in fees]
    split = policy.split(items, level=level, conditions=_conditions(db, visit["psn_no"], at.date().isoformat()),
                         used=_used(db, visit["psn_no"], str(at.year), level))
    return visit, split, at


def _setlinfo(split, **extra):
    money = ("medfee_sumamt", "act_pay_dedc", "hifp_pay", "lb_pay", "fund_pay_sumamt", "psn_cash_pay")
    return {**extra, **{k: yuan(split[k]) for k in money}, "psn_part_amt": yuan(split["psn_cash_pay"]),
            "acct_pay": "0.00"}


def q2206(db, envelope, data):
    """门诊预结算: the split, nothing stored."""
    visit, split, _ = _compute(db, envelope, data)
    return {"setlinfo": _setlinfo(split, mdtrt_id=visit["mdtrt_id"], psn_no=visit["psn_no"]),
            "setldetail": split["detail"]}


def q2207(db, envelope, data, msgid):
    """门诊结算: one settlement per visit."""
    visit, split, at = _compute(db, envelope, data)
    setl_id = "ST" + uuid.uuid4().hex[:20].upper()
    db.execute("INSERT INTO settlement VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'settled', ?, ?)", (
        setl_id, visit["mdtrt_id"], visit["psn_no"], envelope["fixmedins_code"], at.isoformat(timespec="seconds"),
        at.date().isoformat(), str(at.year), split["medfee_sumamt"], split["act_pay_dedc"], split["hifp_pay"],
        split["lb_pay"], split["psn_cash_pay"], json.dumps(split["detail"]), msgid))
    return {"setlinfo": _setlinfo(split, setl_id=setl_id, mdtrt_id=visit["mdtrt_id"], psn_no=visit["psn_no"],
                                  setl_time=at.isoformat(timespec="seconds")),
            "setldetail": split["detail"]}


def q2208(db, envelope, data):
    """门诊结算撤销."""
    row = db.execute("SELECT * FROM settlement WHERE setl_id = ? AND fixmedins_code = ?",
                     (data.get("setl_id") or "", envelope.get("fixmedins_code", ""))).fetchone()
    if row is None or row["mdtrt_id"] != data.get("mdtrt_id"):
        raise Refused("结算信息不存在")
    if row["status"] != "settled":
        raise Refused("该结算已撤销")
    db.execute("UPDATE settlement SET status = 'reversed' WHERE setl_id = ?", (row["setl_id"],))
    return {"setlinfo": {"setl_id": row["setl_id"], "mdtrt_id": row["mdtrt_id"],
                         "medfee_sumamt": yuan(-row["medfee_sumamt"]),
                         "fund_pay_sumamt": yuan(-(row["hifp_pay"] + row["lb_pay"])),
                         "psn_cash_pay": yuan(-row["psn_cash_pay"])}}


def _settlement_out(row):
    return {"setl_id": row["setl_id"], "mdtrt_id": row["mdtrt_id"], "psn_no": row["psn_no"],
            "setl_time": row["setl_time"], "stas": row["status"], "msgid": row["msgid"],
            "detail": json.loads(row["detail"]),
            **_setlinfo({"medfee_sumamt": row["medfee_sumamt"], "act_pay_dedc": row["act_pay_dedc"],
                         "hifp_pay": row["hifp_pay"], "lb_pay": row["lb_pay"],
                         "fund_pay_sumamt": row["hifp_pay"] + row["lb_pay"], "psn_cash_pay": row["psn_cash_pay"]})}


def q5203(db, envelope, data):
    """结算信息查询: the visit's settlements (settled or reversed), newest first."""
    rows = db.execute("SELECT * FROM settlement WHERE mdtrt_id = ? AND fixmedins_code = ? ORDER BY setl_time DESC",
                      (data.get("mdtrt_id") or "", envelope.get("fixmedins_code", ""))).fetchall()
    return {"setlinfo": [_settlement_out(r) for r in rows]}


def _day_rows(db, envelope, data):
    return db.execute("SELECT * FROM settlement WHERE fixmedins_code = ? AND setl_date BETWEEN ? AND ? "
                      "AND status = 'settled'", (envelope.get("fixmedins_code", ""), data.get("stmt_begndate", ""),
                                                 data.get("stmt_enddate", ""))).fetchall()


def q3201(db, envelope, data):
    """医药机构费用结算对总账: compares the institution's totals with the platform's for the period."""
    rows = _day_rows(db, envelope, data)
    ours = {"medfee_sumamt": sum(r["medfee_sumamt"] for r in rows),
            "fund_pay_sumamt": sum(r["hifp_pay"] + r["lb_pay"] for r in rows),
            "fixmedins_setl_cnt": len(rows)}
    theirs = {"medfee_sumamt": fen(data.get("medfee_sumamt", 0)), "fund_pay_sumamt": fen(data.get("fund_pay_sumamt", 0)),
              "fixmedins_setl_cnt": int(data.get("fixmedins_setl_cnt", 0))}
    balanced = ours == theirs
    return {"result": {"stmt_rslt": "0" if balanced else "1",
                       "stmt_rslt_dscr": "对账一致" if balanced else "对账不一致",
                       "medfee_sumamt": yuan(ours["medfee_sumamt"]), "fund_pay_sumamt": yuan(ours["fund_pay_sumamt"]),
                       "fixmedins_setl_cnt": ours["fixmedins_setl_cnt"]}}


def q3202(db, envelope, data):
    """医药机构费用结算对明细账: the platform's settlements of the period, for a line-by-line comparison."""
    return {"setlinfo": [_settlement_out(r) for r in _day_rows(db, envelope, data)]}


def q2503(db, envelope, data):
    """人员慢特病备案: registers a 两病 condition (opsp_dise_code I10 or E11) from begndate."""
    _person(db, data.get("psn_no"))
    code = data.get("opsp_dise_code")
    if code not in policy.POLICY["two_disease"]["diseases"]:
        raise Refused("病种编码不在两病范围")
    db.execute("INSERT INTO condition VALUES (?, ?, ?, NULL) ON CONFLICT (psn_no, disease) "
               "DO UPDATE SET begndate = excluded.begndate, enddate = NULL", (data["psn_no"], code, data["begndate"]))
    return {"result": {"trt_dcla_detl_sn": f"{data['psn_no']}-{code}"}}


def q2504(db, envelope, data):
    """人员慢特病备案撤销: ends a 两病 registration on enddate."""
    updated = db.execute("UPDATE condition SET enddate = ? WHERE psn_no = ? AND disease = ? AND enddate IS NULL",
                         (data.get("enddate"), data.get("psn_no"), data.get("opsp_dise_code"))).rowcount
    if not updated:
        raise Refused("备案信息不存在")
    return {"result": {"trt_dcla_detl_sn": f"{data['psn_no']}-{data['opsp_dise_code']}"}}


HANDLERS = {"1101": q1101, "2201": q2201, "2204": q2204, "2206": q2206, "2207": q2207, "2208": q2208,
            "3201": q3201, "3202": q3202, "5203": q5203, "2503": q2503, "2504": q2504}
WRITES = {"2201", "2204", "2207", "2208", "2503", "2504"}
