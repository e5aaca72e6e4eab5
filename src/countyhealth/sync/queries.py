"""What a phone downloads: the doctor's catchment as one bundle per resident, first in pages, then as the
residents named by the change log after the phone's cursor."""

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts.access import scope_for
from countyhealth.accounts.roles import Reach
from countyhealth.core.errors import ActionError
from countyhealth.familydoctor.models import Contract, FamilyDoctorTeam, ServicePackage
from countyhealth.publichealth.models import Enrolment, FollowUpVisit
from countyhealth.publichealth.rules import VisitMode
from countyhealth.residents.models import Resident

from .models import ChangeLog

PAGE_SIZE = 500
CHANGES_MAX = 500
FACE_TO_FACE = (VisitMode.CLINIC, VisitMode.HOME)
RESIDENT_FIELDS = ("id", "name", "sex", "birth_date", "id_number", "phone", "village_id", "status",
                   "name_pinyin", "name_initials", "updated_at")
# Fields the phone may edit; the conflict check compares them one by one.
EDITABLE_FIELDS = ("name", "phone", "id_number")


def catchment_org_ids(user) -> frozenset:
    """The organisations whose residents go onto the phone: the doctor's own subtree (never the consortium)."""
    scope = scope_for(user)
    if scope.reach is not Reach.SUBTREE or scope.everything:
        raise ActionError(_("The phone app is for doctors responsible for a catchment."), code="no_catchment")
    return scope.org_ids


def catchment_residents(user):
    return Resident.objects.listed().filter(catchment_org_id__in=catchment_org_ids(user))


def _iso(value):
    return value.isoformat() if value is not None else None


def bundles(resident_ids) -> list[dict]:
    """One dict per resident: identity, current enrolments (with the due date), the latest face-to-face
    follow-up of each chronic enrolment (the provisional classification's previous visit) and contracts.
    Five queries whatever the number of residents."""
    ids = list(resident_ids)
    residents = {r["id"]: r for r in Resident.objects.filter(pk__in=ids).values(*RESIDENT_FIELDS)}
    out = {}
    for rid, r in residents.items():
        out[rid] = {
            "id": rid, "name": r["name"], "sex": r["sex"], "birth_date": _iso(r["birth_date"]),
            "id_number": r["id_number"] or "", "phone": r["phone"], "village_id": r["village_id"],
            "status": r["status"], "pinyin": r["name_pinyin"], "initials": r["name_initials"],
            "version": _iso(r["updated_at"]), "enrolments": [], "followups": [], "contracts": [],
        }
    latest = (FollowUpVisit.objects.filter(enrolment=OuterRef("pk"), mode__in=FACE_TO_FACE)
              .order_by("-visit_date", "-id").values("id")[:1])
    last_ids = []
    for e in (Enrolment.objects.current().filter(resident_id__in=ids)
              .annotate(last_followup=Subquery(latest))
              .values("id", "resident_id", "programme", "status", "enrolled_on", "next_due", "next_due_label",
                      "last_visit_date", "last_class", "last_followup")):
        out[e["resident_id"]]["enrolments"].append({
            "id": e["id"], "programme": e["programme"], "status": e["status"],
            "enrolled_on": _iso(e["enrolled_on"]), "next_due": _iso(e["next_due"]),
            "next_due_label": e["next_due_label"], "last_visit_date": _iso(e["last_visit_date"]),
            "last_class": e["last_class"]})
        if e["last_followup"]:
            last_ids.append(e["last_followup"])
    for v in FollowUpVisit.objects.filter(pk__in=last_ids).values(
            "id", "resident_id", "programme", "visit_date", "mode", "sbp", "dbp", "fpg", "adr", "follow_up_class",
            "next_action", "next_due", "client_uuid"):
        out[v["resident_id"]]["followups"].append({
            **v, "visit_date": _iso(v["visit_date"]), "next_due": _iso(v["next_due"]),
            "fpg": str(v["fpg"]) if v["fpg"] is not None else None,
            "client_uuid": str(v["client_uuid"]) if v["client_uuid"] else None})
    for c in (Contract.objects.filter(resident_id__in=ids).order_by("-start_date")
              .values("id", "resident_id", "team_id", "start_date", "end_date", "status", "signed_by_name")):
        out[c["resident_id"]]["contracts"].append({
            **c, "start_date": _iso(c["start_date"]), "end_date": _iso(c["end_date"])})
    return [out[rid] for rid in ids if rid in out]


def parse_position(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit():
        raise ActionError(_("The download position is not valid; start the download again."),
                          code="bad_position", field="after")
    return int(text)


def catchment_page(user, *, after: int, limit: int = PAGE_SIZE) -> tuple[list[dict], int | None]:
    """Keyset page of the first download; returns (bundles, the last id or None when done)."""
    ids = list(catchment_residents(user).filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:limit])
    return bundles(ids), (ids[-1] if len(ids) == limit else None)


def teams_for(user) -> list[dict]:
    """Teams the doctor may sign for (those the doctor belongs to) and the packages on offer."""
    teams = (FamilyDoctorTeam.objects.filter(is_active=True, members__user=user).distinct()
             .prefetch_related("villages"))
    return [{"id": t.pk, "name": t.name, "villages": [v.pk for v in t.villages.all()]} for t in teams]


def packages() -> list[dict]:
    return [{"id": p.pk, "code": p.code, "name": p.name, "target_group": p.target_group}
            for p in ServicePackage.objects.filter(is_active=True).order_by("sort_order", "code")]


# --- cursor ---------------------------------------------------------------------------------------------

def parse_cursor(text: str) -> tuple[int, int]:
    try:
        txid, seq = (int(part) for part in (text or "0.0").split("."))
    except ValueError:
        raise ActionError(_("The sync position is not valid; download the catchment again."),
                          code="bad_cursor", field="cursor") from None
    return txid, seq


def format_cursor(txid: int, seq: int) -> str:
    return f"{txid}.{seq}"


# The oldest transaction still running that may write this database's change log: the snapshot's in-progress
# transactions, less those pg_stat_activity shows working in another database of the cluster (they cannot write
# here, and a long one elsewhere must not hold the phones back). A transaction that ends between the snapshot and
# the pg_stat_activity read stays counted, which only delays its changes to the next pull. No in-progress
# transaction: the snapshot's xmax (every id below it has ended).
HORIZON_SQL = """
WITH s AS (SELECT pg_current_snapshot() AS snap)
SELECT COALESCE(
    (SELECT min(x::text::bigint) FROM s, pg_snapshot_xip(s.snap) AS x
     WHERE x::text::bigint % 4294967296 NOT IN (
         SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())),
    (SELECT pg_snapshot_xmax(snap)::text::bigint FROM s))
"""


def _horizon() -> int | None:
    """PostgreSQL: the oldest transaction of this database still running; changes of it or later are not handed
    out yet."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute(HORIZON_SQL)
        return cur.fetchone()[0]


def head_cursor() -> str:
    """Where a first download starts following changes: taken before reading, so nothing is missed."""
    horizon = _horizon()
    qs = ChangeLog.objects.all()
    if horizon is not None:
        qs = qs.filter(txid__lt=horizon)
    last = qs.order_by("-txid", "-id").values_list("txid", "id").first()
    return format_cursor(*last) if last else "0.0"


def changes_after(user, cursor: str) -> tuple[list[int], str, bool]:
    """Resident ids changed after `cursor` in the user's catchment, the new cursor, and whether more wait."""
    txid, seq = parse_cursor(cursor)
    horizon = _horizon()
    qs = (ChangeLog.objects.filter(catchment_org_id__in=catchment_org_ids(user), txid__gte=txid)
          .exclude(txid=txid, id__lte=seq))
    if horizon is not None:
        qs = qs.filter(txid__lt=horizon)
    rows = list(qs.order_by("txid", "id").values_list("txid", "id", "resident_id")[:CHANGES_MAX])
    if not rows:
        return [], format_cursor(txid, seq), False
    # A resident who has since moved to another catchment is not sent.
    mine = set(catchment_residents(user).filter(pk__in={r[2] for r in rows}).values_list("pk", flat=True))
    changed = list(dict.fromkeys(r[2] for r in rows if r[2] in mine))
    return changed, format_cursor(rows[-1][0], rows[-1][1]), len(rows) == CHANGES_MAX
