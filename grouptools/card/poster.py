"""What the share poster of a group's member cards says beneath its title
(core.posters): what a card asks for and who sees the cards. Field names only, never
anyone's values: the poster is public."""
from flask_babel import gettext

from grouptools.card.settings import fields_of
from grouptools.core.posters import PosterFact


def poster_facts(folder):
    fields = fields_of(folder)
    required = [field.shown_label for field in fields if field.required]
    facts = [PosterFact(gettext("Fill in: %(fields)s",
                                fields=", ".join(required or [f.shown_label for f in fields])))]
    facts.append(PosterFact(gettext("Only the organisers see the cards")
                            if folder.folder_visibility == "managers"
                            else gettext("Members see each other's cards")))
    return facts
