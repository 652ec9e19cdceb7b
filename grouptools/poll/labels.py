"""What poll pages say about a poll: who can see what, how to choose, the counts (its
times are shown with core.i18n's `local_datetime` filter)."""
from flask_babel import gettext, ngettext

from grouptools.poll.ballots import BATCH


def privacy_notice(poll):
    """The one line every poll page carries: who can see what (docs/security.md)."""
    if poll.anonymous:
        return gettext("Votes are secret: nobody, organisers included, can see who chose "
                       "what; votes cannot be changed.")
    return {
        "always": gettext("Open vote: every member sees who chose what."),
        "after_vote": gettext("Open vote: members see who chose what once they have voted."),
        "after_close": gettext("Open vote: members see who chose what when the poll closes."),
        "managers": gettext("Open vote: only the organisers see the results and who chose what."),
    }[poll.results_visibility]


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
