"""What a notice's share poster says beneath its title (core.posters): whether each
member is asked to confirm, and by when. The body stays inside the group: the public
card tells a stranger to join to read it (docs/security.md#who-can-see-what)."""

from grouptools.core.i18n import gettext, local_datetime
from grouptools.core.posters import PosterFact


def poster_facts(notice):
    facts = [PosterFact(gettext("Members confirm they have read it")
                        if notice.require_confirmation else gettext("Members read it in the group"))]
    if notice.deadline is not None:
        when = local_datetime(notice.deadline, notice.group)
        facts.append(PosterFact(gettext("Confirm by %(time)s", time=when)
                                if notice.require_confirmation
                                else gettext("Until %(time)s", time=when)))
    return facts
