"""Every write to the master patient index: registration, edits, duplicate review, merge and unmerge,
break-glass access. Each action checks the role, validates the rules, writes in one transaction and audits."""

from .break_glass import do_break_glass
from .common import DuplicateIdNumber, NotAllowed, ProbableDuplicates
from .merging import do_mark_not_duplicate, do_merge_residents, do_unmerge_residents, resident_relations
from .registration import ResidentData, do_register_resident, do_update_resident

__all__ = [
    "DuplicateIdNumber", "NotAllowed", "ProbableDuplicates", "ResidentData", "do_break_glass",
    "do_mark_not_duplicate", "do_merge_residents", "do_register_resident", "do_unmerge_residents",
    "do_update_resident", "resident_relations",
]
