"""A card as one reader sees it (CardView), and a card as it was just saved: what the
pages, the JSON and the vCard show. Apart from card.service so that card.saving, which
service calls, need not import it."""
from dataclasses import dataclass
from typing import NamedTuple

from grouptools.card.models import Card, CardFolder


@dataclass
class CardView:
    """A card as one reader sees it: what the pages, the JSON and the vCard show."""

    card: Card | None  # None: my card before I filled it in
    folder: CardFolder
    fields: list
    values: dict  # what this reader may see
    sees_private: bool
    display_name: str

    @property
    def complete(self):
        return self.card is not None and self.card.complete

    @property
    def missing(self):
        if self.card is None:
            return [f.key for f in self.fields if f.required]
        return list(self.card.missing)

    @property
    def summary(self):
        """"Engineer · Acme · Beijing": the folder's line under the name."""
        shown = (self.values.get("title"), self.values.get("company"), self.values.get("city"))
        return " · ".join(str(value) for value in shown if value)

    @property
    def shown_fields(self):
        """(field, value) of every filled value this reader may see, in order."""
        return [(f, self.values[f.key]) for f in self.fields if f.key in self.values]


class SavedOwner(NamedTuple):
    public_id: str


class SavedCard(NamedTuple):
    """A card as it was saved: what the answer to the save shows (schemas.card_dict)."""

    public_id: str
    values: dict
    display_name: str
    complete: bool
    missing: list
    public: bool
    owner: SavedOwner
