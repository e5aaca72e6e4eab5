"""Masks for identifiers shown in lists (architecture §3): lists show enough to tell people apart, not to copy."""


def mask_id_number(value: str | None) -> str:
    """430124********1234: the address code and the last four characters survive."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile; a landline keeps its area code and last four digits the same way."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 3) + value[-2:] if len(value) > 3 else "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
