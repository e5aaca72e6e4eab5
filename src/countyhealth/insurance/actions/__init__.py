"""Every write of the insurance app (architecture §2)."""

from .qualification import do_run_qualification, send_pending
from .reconciliation import do_reconcile, repair_pending
from .settlement import do_presettle, do_presettle_visit, do_reverse_settlement, do_settle

__all__ = ["do_presettle", "do_presettle_visit", "do_settle", "do_reverse_settlement", "do_reconcile", "repair_pending",
           "do_run_qualification", "send_pending"]
