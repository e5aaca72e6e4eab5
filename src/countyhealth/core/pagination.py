"""Pagination without COUNT(*): fetch one row more than the page to know whether a next page exists."""

from dataclasses import dataclass

MAX_PAGE_SIZE = 100


@dataclass
class Page:
    items: list
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0


def parse_page_number(raw) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def paginate(queryset, number, size: int = 20) -> Page:
    number = parse_page_number(number)
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Page(items=rows[:size], number=number, size=size, has_next=len(rows) > size)
