"""The rules of polls: create, edit, close, reopen, copy (voting.py
takes votes, results.py says who sees which results).

Plain functions over the models; each asks core.access before anything and commits its
own unit of work. A change of settings holds the poll's row (Poll.lock), as a vote does."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, select

from grouptools.core.access import Action, authorize, can, membership_of
from grouptools.core.closing import close_widget
from grouptools.core.copying import common_columns, copy_widget, picture_for
from grouptools.core.database import commit_or_conflict
from grouptools.core.errors import Conflict, Invalid
from grouptools.core.models import Image
from grouptools.core.sametext import comparable
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import ballots
from grouptools.poll.models import Participation, Poll, PollOption, Vote

# What only a poll with no votes yet may change: a vote must keep meaning what it meant.
RULE_FIELDS = ("options", "multiple", "min_choices", "max_choices", "anonymous", "allow_change")
ANYTIME_FIELDS = ("title", "description", "deadline", "results_visibility")


class OptionsFixed(Conflict):
    default_message = _l("Someone has voted already: the options and voting rules can no "
                         "longer change.")


# --- Finding and reading ----------------------------------------------------------------

def my_option_ids(poll, membership):
    """Row ids of the options a member chose (open ballots; a secret one has none)."""
    return set(db.session.scalars(select(Vote.option_id).where(
        Vote.poll_id == poll.id, Vote.membership_id == membership.id)))


def polls_for_group(group, person):
    """The group's polls, newest first, as [(poll, closed, voted)]; empty for anyone who
    may not see the group. listing.group_listing turns them into the group page's lines."""
    membership = membership_of(person, group)
    if membership is None or not can(person, Action.VIEW_GROUP, group, membership):
        return []
    rows = db.session.execute(_GROUP_POLLS, {"group_id": group.id,
                                             "membership_id": membership.id}).all()
    now = utcnow()
    return [(poll, poll.is_closed(now), bool(took_part)) for poll, took_part in rows]


# Built once, the group and the reader as parameters: SQLAlchemy neither rebuilds it nor
# works out its cache key again on every group page (bench/inprocess.py).
_GROUP_POLLS = (
    select(Poll, exists().where(Participation.poll_id == Poll.id,
                                Participation.membership_id == bindparam("membership_id"))
           .label("voted"))
    .where(Poll.group_id == bindparam("group_id"))
    .order_by(Poll.created_at.desc(), Poll.id.desc()))


# --- Creating and managing --------------------------------------------------------------

def _choice_rules(multiple, min_choices, max_choices, option_count, errors):
    if not multiple:
        for name, value in (("min_choices", min_choices), ("max_choices", max_choices)):
            if value not in (None, 1):
                errors[name] = [str(_l("A single-choice poll takes exactly one choice."))]
        return 1, 1
    low = min_choices or 1
    high = max_choices or option_count
    if high > option_count:
        errors["max_choices"] = [str(_l("At most %(num)d: the number of options.",
                                        num=option_count))]
    if low > high:
        errors["min_choices"] = [str(_l("Must not be more than the maximum."))]
    return low, high


def _check_settings(settings, errors, now):
    if settings.get("anonymous") and settings.get("allow_change"):
        errors["allow_change"] = [str(_l("A secret ballot cannot allow changing votes: "
                                         "nothing stored says what a member chose."))]
    deadline = settings.get("deadline")
    if deadline is not None and deadline <= now:
        errors["deadline"] = [str(_l("The deadline must be in the future."))]


def _build_options(group, options, errors):
    """PollOption rows from [{text?, image_id?}]; pictures must belong to the group."""
    wanted = {o["image_id"] for o in options if o.get("image_id")}
    images = {i.public_id: i for i in db.session.scalars(
        select(Image).where(Image.public_id.in_(wanted), Image.group_id == group.id))} if wanted else {}
    rows, option_errors, texts = [], {}, {}
    for position, option in enumerate(options):
        image = images.get(option.get("image_id")) if option.get("image_id") else None
        if option.get("image_id") and image is None:
            option_errors[position] = {"image_id": [str(_l("No such picture in this group."))]}
        elif not option.get("image_id") and option.get("text"):
            # Two options only a picture tells apart are fine; two equal texts split the vote.
            first = texts.setdefault(comparable(option["text"]), position)
            if first != position:
                option_errors[position] = {"text": [str(_l(
                    "The same as option %(num)d.", num=first + 1))]}
        rows.append(PollOption(position=position, text=option.get("text") or "", image=image))
    if option_errors:
        errors["options"] = option_errors
    return rows


def create_poll(person, group, *, title, options, description="", multiple=False,
                min_choices=None, max_choices=None, anonymous=False,
                results_visibility=None, allow_change=False, deadline=None):
    """Results are shown always by default; a secret ballot's after it closes."""
    authorize(person, Action.CREATE_WIDGET, group)
    results_visibility = results_visibility or ("after_close" if anonymous else "always")
    errors = {}
    low, high = _choice_rules(multiple, min_choices, max_choices, len(options), errors)
    _check_settings({"anonymous": anonymous, "allow_change": allow_change,
                     "deadline": deadline}, errors, utcnow())
    rows = _build_options(group, options, errors)
    if errors:
        raise Invalid(errors)
    poll = Poll(group=group, created_by_id=person.id, title=title, description=description or "",
                multiple=multiple, min_choices=low, max_choices=high, anonymous=anonymous,
                results_visibility=results_visibility, allow_change=allow_change,
                deadline=deadline, options=rows)
    db.session.add(poll)
    commit_or_conflict()
    return poll


def update_poll(person, poll, **changes):
    """Title, description, deadline and visibility at any time; options and voting rules
    only while nobody has voted (409 after)."""
    authorize(person, Action.MANAGE_WIDGET, poll)
    poll.lock()
    rules = {k: v for k, v in changes.items() if k in RULE_FIELDS}
    if rules and poll.voter_count > 0:
        raise OptionsFixed()
    errors = {}
    merged = {"anonymous": changes.get("anonymous", poll.anonymous),
              "allow_change": changes.get("allow_change", poll.allow_change),
              "deadline": changes.get("deadline")}
    _check_settings(merged, errors, utcnow())
    if rules:
        multiple = changes.get("multiple", poll.multiple)
        kept = multiple and poll.multiple
        rows = _build_options(poll.group, changes["options"], errors) if "options" in changes else None
        count = len(rows) if rows is not None else len(poll.options)
        low, high = _choice_rules(
            multiple, changes.get("min_choices", poll.min_choices if kept else None),
            changes.get("max_choices", poll.max_choices if kept else None), count, errors)
    if errors:
        raise Invalid(errors)
    for key in ANYTIME_FIELDS + ("anonymous", "allow_change", "multiple"):
        if key in changes:
            setattr(poll, key, changes[key] if key != "description" else changes[key] or "")
    if rules:
        poll.min_choices, poll.max_choices = low, high
        if rows is not None:
            poll.options = rows
    poll.version = Poll.version + 1
    counted = _count_pool_if_closed(poll)
    commit_or_conflict()
    ballots.after_counting(counted)
    return poll


def _count_pool_if_closed(poll):
    """A closed secret ballot's whole pool is counted: results after close are exact."""
    return ballots.count_pool(poll) if poll.anonymous and poll.is_closed() else 0


def _bump_version(poll, closed):
    poll.version = Poll.version + 1


def close_poll(person, poll, closed=True):
    """Close, or reopen (closed=False; a deadline already past is dropped: it would close
    it at once). A closed secret ballot's pool is counted while it is closed — at close,
    and before reopening, whether or not anyone looked."""
    poll, counted = close_widget(person, poll, closed, on_change=_bump_version,
                                 while_closed=_count_pool_if_closed)
    commit_or_conflict()
    ballots.after_counting(counted)
    return poll


def copy_poll(person, poll, group):
    """The WidgetKind `copy` hook (core.copying): a new open poll in `group` with the same
    question, options (their pictures too) and voting rules, and no votes."""
    copy = Poll(**common_columns(person, poll, group), multiple=poll.multiple,
                min_choices=poll.min_choices, max_choices=poll.max_choices,
                anonymous=poll.anonymous, results_visibility=poll.results_visibility,
                allow_change=poll.allow_change,
                options=[PollOption(position=o.position, text=o.text,
                                    image=picture_for(o.image, group))
                         for o in poll.options])
    db.session.add(copy)
    return copy


def duplicate_poll(person, poll):
    """A copy in the poll's own group: what /duplicate answers (kept for the clients that
    use it; docs/api.md)."""
    return copy_widget(person, poll)
