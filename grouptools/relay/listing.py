"""Relays on their group's page (core.widgets): a line per relay, and the create link."""

from grouptools.core.i18n import gettext, ngettext
from grouptools.core.urlpatterns import page_url
from grouptools.core.widgets import WidgetSummary
from grouptools.relay import service


def slots_capacity(slots):
    """The slots' capacities summed, None without slots or when one has no limit."""
    if slots and all(slot.capacity is not None for slot in slots):
        return sum(slot.capacity for slot in slots)
    return None


def status_line(relay, waitlisted, slot_capacity=...):
    """"12/20 · 3 on the waitlist", or "12 signed up" without a limit. `slot_capacity`:
    `slots_capacity` when it was read with the relay (the group page), else worked out
    from its slots."""
    if slot_capacity is ...:
        slot_capacity = slots_capacity(relay.slots)
    if relay.capacity is not None:
        line = gettext("%(taken)d/%(capacity)d", taken=relay.taken, capacity=relay.capacity)
    elif slot_capacity is not None:
        line = gettext("%(taken)d/%(capacity)d", taken=relay.taken, capacity=slot_capacity)
    else:
        line = ngettext("%(num)d signed up", "%(num)d signed up", relay.taken)
    if waitlisted:
        line += " · " + ngettext("%(num)d on the waitlist", "%(num)d on the waitlist", waitlisted)
    return line


def list_relays(group, person):
    return [
        WidgetSummary(
            title=summary.relay.title,
            url=page_url("relay_pages.show_relay", rid=summary.relay.public_id),
            created_at=summary.relay.created_at,
            status=status_line(summary.relay, summary.waitlisted, summary.slot_capacity),
            closed=summary.relay.is_closed(),
            needs_me=not summary.mine and not summary.relay.is_closed(),
        )
        for summary in service.relay_summaries(group, person)
    ]


def create_link(group):
    return gettext("New sign-up list"), page_url("relay_pages.create_relay", gid=group.public_id)
