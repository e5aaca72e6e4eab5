"""Named events that lower apps announce and upper apps act on, without the lower app importing the upper
one (architecture §1). A receiver runs synchronously inside the announcing action's transaction, so its
writes (a drafted report card, say) commit or roll back with the event itself.

    # records/actions.py                      # surveillance/apps.py  ready()
    hooks.announce("records.diagnosis_recorded", diagnosis=d, acting_user=u)
                                              hooks.listen("records.diagnosis_recorded", draft_card)
"""

from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager

_receivers: dict[str, dict[str, Callable]] = defaultdict(dict)


def listen(event: str, receiver: Callable) -> None:
    """Register `receiver(**payload)` for `event`; registering the same function again replaces it."""
    _receivers[event][f"{receiver.__module__}.{receiver.__qualname__}"] = receiver


def announce(event: str, **payload) -> list:
    """Call every receiver of `event` in registration order; their return values, for the caller's use."""
    return [receiver(**payload) for receiver in list(_receivers[event].values())]


@contextmanager
def listening(event: str, receiver: Callable):
    """For tests: `receiver` listens only inside the block, leaving every other receiver in place."""
    key = f"{receiver.__module__}.{receiver.__qualname__}"
    previous = _receivers[event].get(key)
    listen(event, receiver)
    try:
        yield receiver
    finally:
        if previous is None:
            _receivers[event].pop(key, None)
        else:
            _receivers[event][key] = previous
