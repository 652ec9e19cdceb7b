"""What poll pages say about a poll: who can see what, how to choose, the counts (its
times are shown with core.i18n's `local_datetime` filter)."""

from grouptools.core.i18n import current_catalogue, gettext
from grouptools.poll.ballots import BATCH


def ngettext(singular, plural, num, **variables):
    """Flask-Babel's `ngettext` on the request's catalogue found once
    (core.i18n.current_catalogue): results word each option's count, and Flask-Babel
    finds its catalogue again for every call."""
    variables.setdefault("num", num)
    return current_catalogue().ungettext(singular, plural, num) % variables


def privacy_notice(poll):
    """The one line every poll page carries: who can see what (docs/security.md)."""
    if poll.anonymous:
        return gettext("Votes are secret: nobody, organisers included, can see who chose "
                       "what; votes cannot be changed.")
    # Only the line shown is translated (each gettext finds its catalogue again).
    mode = poll.results_visibility
    if mode == "always":
        return gettext("Open vote: every member sees who chose what.")
    if mode == "after_vote":
        return gettext("Open vote: members see who chose what once they have voted.")
    if mode == "after_close":
        return gettext("Open vote: members see who chose what when the poll closes.")
    return gettext("Open vote: only the organisers see the results and who chose what.")


def choice_hint(poll):
    if not poll.multiple:
        return gettext("Choose one.")
    if poll.min_choices == poll.max_choices:
        return ngettext("Choose %(num)d.", "Choose %(num)d.", poll.max_choices)
    return gettext("Choose %(min)d to %(max)d.", min=poll.min_choices, max=poll.max_choices)


def votes_label(votes, percent):
    return ngettext("%(num)d vote", "%(num)d votes", votes) + f" · {percent:g}%"


def pending_label(results):
    """On a secret ballot, how many ballots wait for their batch (None when none do)."""
    return gettext("Ballots waiting to be counted: %(num)d. Secret ballots are counted in "
                   "batches of %(batch)d, and at close, so no count moves with one person's "
                   "vote.", num=results.pending, batch=BATCH) if results and results.pending else None


def voters_label(count):
    if not count:
        return gettext("No votes yet")
    return ngettext("%(num)d person voted", "%(num)d people voted", count)
