"""The WSGI application: the national envelope at POST /fsi/api/<infno>, plus /sim/ admin endpoints that stand
for what the real platform already knows (institutions, insured persons) and for fault injection in tests.

Envelope in:  {"infno": "2207", "msgid": "...", "fixmedins_code": "...", "opter": "...", "inf_time": "...",
               "input": {"data": {...}}}
Envelope out: {"infcode": 0 | -1, "inf_refmsgid": msgid, "respond_time": "...", "err_msg": "", "output": {...}}
"""

import hashlib
import json
import time

from . import transactions
from .store import Store


def _json(start_response, body: dict, status: str = "200 OK"):
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def psn_no_for(certno: str) -> str:
    return "43" + hashlib.sha256(certno.encode()).hexdigest()[:18].upper()


class Simulator:
    def __init__(self, db_path: str):
        self.store = Store(db_path)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ["REQUEST_METHOD"] == "GET" and path == "/sim/health":
            return _json(start_response, {"ok": True})
        if environ["REQUEST_METHOD"] != "POST":
            return _json(start_response, {"error": "method not allowed"}, "405 Method Not Allowed")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        except (ValueError, json.JSONDecodeError):
            return _json(start_response, {"infcode": -1, "err_msg": "报文格式错误"}, "400 Bad Request")
        if path.startswith("/fsi/api/"):
            return self.national(body, start_response)
        admin = {"/sim/institutions": self.load_institutions, "/sim/persons": self.load_persons,
                 "/sim/settlements": self.load_settlements, "/sim/faults": self.set_fault}
        if path in admin:
            return _json(start_response, admin[path](body))
        return _json(start_response, {"error": "not found"}, "404 Not Found")

    # -- the national interface ------------------------------------------------------------------------------
    def national(self, envelope, start_response):
        infno, msgid = str(envelope.get("infno", "")), str(envelope.get("msgid", ""))
        handler = transactions.HANDLERS.get(infno)
        if handler is None or not msgid:
            return _json(start_response, self._answer(msgid, -1, "交易编号或报文ID缺失", {}))
        fault = self._take_fault(infno)
        if fault and fault["kind"] == "error":
            return _json(start_response, {"error": "injected failure"}, "500 Internal Server Error")
        if fault and fault["kind"] == "delay":
            time.sleep(fault["seconds"])
        request_hash = hashlib.sha256(json.dumps([infno, envelope.get("fixmedins_code"), envelope.get("input")],
                                                 sort_keys=True).encode()).hexdigest()
        db = self.store.connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            stored = db.execute("SELECT * FROM message WHERE msgid = ?", (msgid,)).fetchone()
            if stored is not None:
                db.execute("ROLLBACK")
                if stored["request_hash"] != request_hash:
                    return _json(start_response, self._answer(msgid, -1, "报文ID重复且内容不同", {}))
                return _json(start_response, json.loads(stored["response"]))
            data = (envelope.get("input") or {})
            data = data if infno == "2204" else data.get("data") or {}
            try:
                output = handler(db, envelope, data, msgid) if infno == "2207" else handler(db, envelope, data)
                answer = self._answer(msgid, 0, "", output)
            except transactions.Refused as refused:
                db.execute("ROLLBACK")
                db.execute("BEGIN IMMEDIATE")
                answer = self._answer(msgid, -1, str(refused), {})
            if infno in transactions.WRITES:
                db.execute("INSERT INTO message VALUES (?, ?, ?, ?, ?)", (
                    msgid, infno, request_hash, json.dumps(answer, ensure_ascii=False), answer["respond_time"]))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if fault and fault["kind"] == "delay_after":
            time.sleep(fault["seconds"])  # committed, answer late: the caller times out and must not settle twice
        return _json(start_response, answer)

    @staticmethod
    def _answer(msgid, infcode, err_msg, output):
        return {"infcode": infcode, "inf_refmsgid": msgid, "err_msg": err_msg, "output": output,
                "respond_time": transactions.now().isoformat(timespec="milliseconds")}

    def _take_fault(self, infno):
        db = self.store.connect()
        if db.execute("SELECT 1 FROM fault WHERE remaining > 0 LIMIT 1").fetchone() is None:
            return None  # the usual case: no write lock taken
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT * FROM fault WHERE infno = ? AND remaining > 0", (infno,)).fetchone()
        if row is not None:
            db.execute("UPDATE fault SET remaining = remaining - 1 WHERE infno = ?", (infno,))
        db.execute("COMMIT")
        return dict(row) if row else None

    # -- what the real platform already knows, loaded in bulk -------------------------------------------------
    def load_institutions(self, body):
        rows = [(i["code"], i["name"], i["level"]) for i in body.get("institutions", [])]
        self._bulk("INSERT INTO institution VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                   "name = excluded.name, level = excluded.level", rows)
        return {"loaded": len(rows)}

    def load_persons(self, body):
        rows = [(psn_no_for(p["certno"]), p["certno"], p["psn_name"], p["gend"], p["brdy"],
                 p.get("insuplc_admdvs", "")) for p in body.get("persons", []) if p.get("certno")]
        self._bulk("INSERT INTO person (psn_no, certno, psn_name, gend, brdy, insuplc_admdvs) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (certno) DO UPDATE SET psn_name = excluded.psn_name", rows)
        return {"loaded": len(rows)}

    def load_settlements(self, body):
        """Settlements the platform made before this simulator's database existed (a demo county's past days):
        the visit and its settlement, as 2201 and 2207 would have stored them. Known setl_ids are left alone."""
        visits, settlements = [], []
        for s in body.get("settlements", []):
            visits.append((s["mdtrt_id"], s["psn_no"], s["fixmedins_code"], s["ipt_otp_no"], s["setl_time"]))
            settlements.append((
                s["setl_id"], s["mdtrt_id"], s["psn_no"], s["fixmedins_code"], s["setl_time"], s["setl_time"][:10],
                s["setl_time"][:4], transactions.fen(s["medfee_sumamt"]), transactions.fen(s["act_pay_dedc"]),
                transactions.fen(s["hifp_pay"]), transactions.fen(s["lb_pay"]), transactions.fen(s["psn_cash_pay"]),
                s.get("stas", "settled"), json.dumps(s.get("detail", [])), s["msgid"]))
        self._bulk("INSERT INTO visit VALUES (?, ?, ?, ?, ?) ON CONFLICT (mdtrt_id) DO NOTHING", visits)
        self._bulk("INSERT INTO settlement VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (setl_id) DO NOTHING", settlements)
        return {"loaded": len(settlements)}

    def set_fault(self, body):
        if body.get("clear"):
            self._bulk("DELETE FROM fault", [()])
            return {"ok": True}
        self._bulk("INSERT OR REPLACE INTO fault VALUES (?, ?, ?, ?)",
                   [(str(body["infno"]), body["kind"], float(body.get("seconds", 0)), int(body.get("remaining", 1)))])
        return {"ok": True}

    def _bulk(self, sql, rows):
        db = self.store.connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(sql, rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
