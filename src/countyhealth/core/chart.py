"""Links from a resident's page to what other apps hold about them (health record, programmes, contracts,
timeline). Apps above residents register from `AppConfig.ready()`, so the residents app links to them without
importing them (architecture §1)."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ChartLink:
    label: str
    url_name: str  # takes the resident's pk
    order: int = 100

    def url(self, resident_pk: int) -> str:
        return reverse(self.url_name, args=[resident_pk])


_links: dict[str, ChartLink] = {}


def register(url_name: str, label, *, order: int = 100) -> None:
    _links[url_name] = ChartLink(label, url_name, order)


def links_for(resident_pk: int) -> list[dict]:
    return [{"label": link.label, "url": link.url(resident_pk)}
            for link in sorted(_links.values(), key=lambda link: (link.order, link.url_name))]
