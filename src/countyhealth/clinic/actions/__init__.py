"""Every write of the clinic (architecture §2): visits, prescriptions and review, dispensing, stock."""

from .prescriptions import (
    do_cancel_prescription,
    do_dispense_prescription,
    do_issue_prescription,
    review_items,
)
from .stock import do_adjust_stock, do_receive_stock, do_register_shortage, do_return_stock
from .visits import (
    do_add_diagnosis,
    do_add_order,
    do_cancel_visit,
    do_close_visit,
    do_mark_settled,
    do_mark_unsettled,
    do_open_visit,
    do_update_visit,
)

__all__ = [
    "do_add_diagnosis", "do_add_order", "do_adjust_stock", "do_cancel_prescription", "do_cancel_visit",
    "do_close_visit", "do_dispense_prescription", "do_issue_prescription", "do_mark_settled", "do_mark_unsettled",
    "do_open_visit", "do_receive_stock", "do_register_shortage", "do_return_stock", "do_update_visit",
    "review_items",
]
