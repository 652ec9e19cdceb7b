"""What the share poster of a group's member cards says beneath its title
(core.posters): what a card asks for and who sees the cards. Field names only, never
anyone's values: the poster is public."""
from babel.lists import format_list

from grouptools.card.settings import fields_of
from grouptools.core.i18n import current_locale, gettext
from grouptools.core.posters import PosterFact


def poster_facts(folder):
    fields = fields_of(folder)
    required = [field.shown_label for field in fields if field.required]
    labels = required or [field.shown_label for field in fields]
    facts = [PosterFact(gettext("Fill in: %(fields)s",
                                fields=format_list(labels, locale=current_locale())))]
    facts.append(PosterFact(gettext("Only the organisers see the cards")
                            if folder.folder_visibility == "managers"
                            else gettext("Members see each other's cards")))
    return facts
