"""What a poll's share poster says beneath its title (core.posters): how to choose, the
deadline, and — where a stranger may see them, in an open group — the options, as
pictures with captions on a picture poll (docs/security.md#who-can-see-what)."""

from grouptools.core.i18n import gettext, local_datetime, ngettext
from grouptools.core.posters import PosterFact
from grouptools.poll.export import option_label
from grouptools.poll.labels import choice_hint

OPTION_TEXTS_SHOWN = 4


def poster_facts(poll):
    facts = []
    options = list(poll.options)
    if poll.group.join_policy == "open":
        pictures = [option for option in options if option.image is not None]
        if pictures:
            facts += [PosterFact(option_label(option), option.image.thumb_data,
                               option.image.digest) for option in pictures]
        else:
            shown = " · ".join(option.text for option in options[:OPTION_TEXTS_SHOWN])
            more = len(options) - OPTION_TEXTS_SHOWN
            facts.append(PosterFact(shown + (" …" if more > 0 else "")))
    else:
        facts.append(PosterFact(ngettext("%(num)d option", "%(num)d options", len(options))))
    facts.append(PosterFact(choice_hint(poll)))
    if poll.anonymous:
        facts.append(PosterFact(gettext("Secret ballot: nobody sees who chose what")))
    if poll.deadline is not None:
        facts.append(PosterFact(gettext("Voting closes %(time)s",
                                        time=local_datetime(poll.deadline, poll.group))))
    return facts
