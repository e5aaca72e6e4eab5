"""The simulator's own SQLite database: insured persons, institutions, visits, fees, settlements, messages."""

import sqlite3
import threading

SCHEMA = """
CREATE TABLE IF NOT EXISTS institution (code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS person (
    psn_no TEXT PRIMARY KEY, certno TEXT NOT NULL UNIQUE, psn_name TEXT NOT NULL, gend TEXT NOT NULL,
    brdy TEXT NOT NULL, insutype TEXT NOT NULL DEFAULT '390', insuplc_admdvs TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS condition (
    psn_no TEXT NOT NULL, disease TEXT NOT NULL, begndate TEXT NOT NULL, enddate TEXT,
    PRIMARY KEY (psn_no, disease));
CREATE TABLE IF NOT EXISTS visit (
    mdtrt_id TEXT PRIMARY KEY, psn_no TEXT NOT NULL, fixmedins_code TEXT NOT NULL, ipt_otp_no TEXT NOT NULL,
    begntime TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fee (
    mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, med_list_codg TEXT NOT NULL, name TEXT NOT NULL,
    cnt TEXT NOT NULL, pric INTEGER NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (mdtrt_id, feedetl_sn));
CREATE TABLE IF NOT EXISTS settlement (
    setl_id TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL, psn_no TEXT NOT NULL, fixmedins_code TEXT NOT NULL,
    setl_time TEXT NOT NULL, setl_date TEXT NOT NULL, year TEXT NOT NULL, medfee_sumamt INTEGER NOT NULL,
    act_pay_dedc INTEGER NOT NULL, hifp_pay INTEGER NOT NULL, lb_pay INTEGER NOT NULL,
    psn_cash_pay INTEGER NOT NULL, status TEXT NOT NULL, detail TEXT NOT NULL, msgid TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS settlement_one_per_visit ON settlement (mdtrt_id) WHERE status = 'settled';
CREATE INDEX IF NOT EXISTS settlement_day ON settlement (fixmedins_code, setl_date);
CREATE INDEX IF NOT EXISTS settlement_person_year ON settlement (psn_no, year);
CREATE TABLE IF NOT EXISTS message (
    msgid TEXT PRIMARY KEY, infno TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT NOT NULL,
    at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fault (infno TEXT PRIMARY KEY, kind TEXT NOT NULL, seconds REAL NOT NULL DEFAULT 0,
    remaining INTEGER NOT NULL DEFAULT 1);
"""


class Store:
    """One connection per thread; each request is one IMMEDIATE transaction, so a message id is checked and
    its effect written under the same writer lock (two concurrent retries cannot both settle)."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        with self.connect() as db:
            db.executescript(SCHEMA)

    def connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db
