"""What a relay's share poster says beneath its title (core.posters): when and where it
happens, how many places are left (or that the list is full and has a waitlist), the slots to choose from, the
sign-up deadline. Never who signed up: the poster is public."""

from grouptools.core.i18n import gettext, local_datetime, ngettext
from grouptools.core.posters import PosterFact


def places_line(relay):
    """"3 places left of 8", "Full: join the waitlist", or "12 signed up" without a limit."""
    capacity = relay.capacity
    if capacity is None and relay.slots and all(s.capacity is not None for s in relay.slots):
        capacity = sum(slot.capacity for slot in relay.slots)
    if capacity is None:
        return ngettext("%(num)d signed up", "%(num)d signed up", relay.taken)
    left = max(0, capacity - relay.taken)
    if left:
        return ngettext("%(num)d place left of %(capacity)d",
                        "%(num)d places left of %(capacity)d", left, capacity=capacity)
    return gettext("Full: join the waitlist") if relay.waitlist else gettext("Full")


def when_and_where(relay):
    """["When: …", "Where: …"], those the organiser gave: what the poster, the chat text
    and a stranger's card say first."""
    lines = []
    if relay.starts_at is not None:
        lines.append(gettext("When: %(when)s", when=local_datetime(relay.starts_at, relay.group)))
    if relay.place:
        lines.append(gettext("Where: %(place)s", place=relay.place))
    return lines


def poster_facts(relay):
    facts = [PosterFact(line) for line in when_and_where(relay)]
    facts.append(PosterFact(places_line(relay)))
    if relay.slots:
        facts.append(PosterFact(" · ".join(slot.label for slot in relay.slots)))
    if relay.guests_max:
        facts.append(PosterFact(ngettext("Bring up to %(num)d guest", "Bring up to %(num)d guests",
                                         relay.guests_max)))
    if relay.deadline is not None:
        facts.append(PosterFact(gettext("Sign up by %(time)s",
                                        time=local_datetime(relay.deadline, relay.group))))
    return facts
