"""The rules of polls: create, edit, close, duplicate, delete, vote (results.py says
who sees which results).

Plain functions over the models; each asks core.access before anything and commits its
own unit of work. Votes are counted by SQL expressions on counters, secret ones in
batches (ballots.py); every change of a member's vote happens under a lock on that
member's participation row (TRAPS.md)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from grouptools.core.access import Action, authorize, can
from grouptools.core.errors import Conflict, DomainError, Invalid, NotFound
from grouptools.core.groups.service import record_activity
from grouptools.core.models import Image, Membership
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import ballots
from grouptools.poll.models import Participation, Poll, PollOption, Vote

# What only a poll with no votes yet may change: a vote must keep meaning what it meant.
RULE_FIELDS = ("options", "multiple", "min_choices", "max_choices", "anonymous", "allow_change")
ANYTIME_FIELDS = ("title", "description", "deadline", "results_visibility")


class PollClosed(Conflict):
    default_message = _l("This poll is closed: it no longer accepts votes.")


class AlreadyVoted(Conflict):
    default_message = _l("You already voted. Votes in a secret ballot cannot be changed: "
                         "nothing stored says what you chose.")


class ChangeNotAllowed(Conflict):
    default_message = _l("You already voted, and this poll does not allow changing votes.")


class OptionsFixed(Conflict):
    default_message = _l("Someone has voted already: the options and voting rules can no "
                         "longer change.")


def _invalid(errors):
    return Invalid(errors={"json": errors})


# --- Finding and reading ----------------------------------------------------------------

def find_poll(public_id):
    poll = db.session.scalar(select(Poll).where(Poll.public_id == public_id))
    if poll is None:
        raise NotFound()
    return poll


def is_closed(poll, now=None):
    """Closed by hand, or past its deadline — whether or not anything ran at that moment."""
    now = now or utcnow()
    return poll.closed_at is not None or (poll.deadline is not None and poll.deadline <= now)


def my_option_ids(poll, membership):
    """Row ids of the options a member chose (open ballots; a secret one has none)."""
    return set(db.session.scalars(select(Vote.option_id).where(
        Vote.poll_id == poll.id, Vote.membership_id == membership.id)))


def polls_for_group(group, person):
    """The group's polls, newest first, as [(poll, closed, voted)]; empty for anyone who
    may not see the group. views.group_listing turns them into the group page's lines."""
    membership = db.session.scalar(select(Membership).where(
        Membership.group_id == group.id, Membership.person_id == person.id)) if person else None
    if membership is None or not can(person, Action.VIEW_GROUP, group, membership):
        return []
    polls = list(db.session.scalars(
        select(Poll).where(Poll.group_id == group.id)
        .order_by(Poll.created_at.desc(), Poll.id.desc())))
    voted = set(db.session.scalars(select(Participation.poll_id).where(
        Participation.membership_id == membership.id,
        Participation.poll_id.in_([p.id for p in polls]))))
    now = utcnow()
    return [(poll, is_closed(poll, now), poll.id in voted) for poll in polls]


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
    rows, option_errors = [], {}
    for position, option in enumerate(options):
        image = images.get(option.get("image_id")) if option.get("image_id") else None
        if option.get("image_id") and image is None:
            option_errors[position] = {"image_id": [str(_l("No such picture in this group."))]}
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
        raise _invalid(errors)
    poll = Poll(group=group, created_by_id=person.id, title=title, description=description or "",
                multiple=multiple, min_choices=low, max_choices=high, anonymous=anonymous,
                results_visibility=results_visibility, allow_change=allow_change,
                deadline=deadline, options=rows)
    db.session.add(poll)
    db.session.commit()
    return poll


def lock_poll(poll):
    """Hold the poll row: voters update it first, so they wait for this change."""
    db.session.execute(select(Poll.id).where(Poll.id == poll.id).with_for_update())
    db.session.refresh(poll)


def update_poll(person, poll, **changes):
    """Title, description, deadline and visibility at any time; options and voting rules
    only while nobody has voted (409 after)."""
    authorize(person, Action.MANAGE_WIDGET, poll)
    lock_poll(poll)
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
        raise _invalid(errors)
    for key in ANYTIME_FIELDS + ("anonymous", "allow_change", "multiple"):
        if key in changes:
            setattr(poll, key, changes[key] if key != "description" else changes[key] or "")
    if rules:
        poll.min_choices, poll.max_choices = low, high
        if rows is not None:
            poll.options = rows
    poll.version = Poll.version + 1
    counted = _count_pool_if_closed(poll)
    db.session.commit()
    ballots.after_counting(counted)
    return poll


def _count_pool_if_closed(poll):
    """A closed secret ballot's whole pool is counted: results after close are exact."""
    return ballots.count_pool(poll) if poll.anonymous and is_closed(poll) else 0


def close_poll(person, poll):
    authorize(person, Action.MANAGE_WIDGET, poll)
    lock_poll(poll)
    if poll.closed_at is None:
        poll.closed_at = utcnow()
        poll.version = Poll.version + 1
    counted = _count_pool_if_closed(poll)
    db.session.commit()
    ballots.after_counting(counted)
    return poll


def reopen_poll(person, poll):
    """Open again; a deadline already past is dropped (it would close it at once). A
    closed secret ballot's pool is counted first, whether or not anyone looked."""
    authorize(person, Action.MANAGE_WIDGET, poll)
    lock_poll(poll)
    now = utcnow()
    counted = _count_pool_if_closed(poll)
    if is_closed(poll, now):
        poll.closed_at = None
        if poll.deadline is not None and poll.deadline <= now:
            poll.deadline = None
        poll.version = Poll.version + 1
    db.session.commit()
    ballots.after_counting(counted)
    return poll


def duplicate_poll(person, poll):
    """A new open poll in the same group with the same settings and options, no votes."""
    authorize(person, Action.MANAGE_WIDGET, poll)
    authorize(person, Action.CREATE_WIDGET, poll.group)
    deadline = poll.deadline if poll.deadline and poll.deadline > utcnow() else None
    copy = Poll(group=poll.group, created_by_id=person.id, title=poll.title,
                description=poll.description, multiple=poll.multiple,
                min_choices=poll.min_choices, max_choices=poll.max_choices,
                anonymous=poll.anonymous, results_visibility=poll.results_visibility,
                allow_change=poll.allow_change, deadline=deadline,
                options=[PollOption(position=o.position, text=o.text, image_id=o.image_id)
                         for o in poll.options])
    db.session.add(copy)
    db.session.commit()
    return copy


def delete_poll(person, poll):
    authorize(person, Action.MANAGE_WIDGET, poll)
    db.session.execute(delete(Poll).where(Poll.id == poll.id))
    db.session.commit()


# --- Voting -----------------------------------------------------------------------------

def _chosen_options(poll, option_ids):
    """The option rows' ids for public ids, checked against the poll's min/max (422)."""
    by_public_id = {o.public_id: o.id for o in poll.options}
    unknown = [i for i in option_ids if i not in by_public_id]
    if unknown:
        raise _invalid({"option_ids": [str(_l("Not an option of this poll."))]})
    if len(set(option_ids)) != len(option_ids):
        raise _invalid({"option_ids": [str(_l("Each option may be chosen once."))]})
    count = len(option_ids)
    if not poll.min_choices <= count <= poll.max_choices:
        if poll.min_choices == poll.max_choices:
            message = _l("Choose exactly %(num)d.", num=poll.max_choices)
        else:
            message = _l("Choose from %(min)d to %(max)d options.",
                         min=poll.min_choices, max=poll.max_choices)
        raise _invalid({"option_ids": [str(message)]})
    return {by_public_id[i] for i in option_ids}


def _claim_open_poll(poll, now, voters_delta):
    """Bump the poll's version (and voter count) only while it is open: the closed check
    and the write are one statement, so a vote cannot slip past a close or a deadline.
    It also holds the poll's row until commit. `updated_at` stays: it is the settings'
    time, and a vote's time beside a participation would name a secret voter."""
    result = db.session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.closed_at.is_(None),
               or_(Poll.deadline.is_(None), Poll.deadline > now))
        .values(version=Poll.version + 1, voter_count=Poll.voter_count + voters_delta,
                updated_at=Poll.updated_at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PollClosed()


def _count(poll, plus=(), minus=()):
    """Move the counters in SQL. Every option row of the poll is written, chosen or not,
    so not even the database's own row versions show which option a vote went to."""
    delta = case((PollOption.id.in_(list(plus)), 1),
                 (PollOption.id.in_(list(minus)), -1), else_=0)
    db.session.execute(
        update(PollOption).where(PollOption.poll_id == poll.id)
        .values(votes=PollOption.votes + delta).execution_options(synchronize_session=False)
    )


def cast_vote(person, poll, option_ids):
    """'created' (first vote), 'changed' or 'same'. 409 when closed, when a secret ballot
    is voted twice, or a change without allow_change; 422 outside min/max."""
    membership = authorize(person, Action.ACT, poll)
    if is_closed(poll):
        raise PollClosed()
    chosen = _chosen_options(poll, option_ids)
    try:
        try:
            return _apply_vote(poll, membership, chosen)
        except IntegrityError:
            # Two first votes of one member at once: the other one created the
            # participation; now this one is a change of it, under its lock.
            db.session.rollback()
            return _apply_vote(poll, membership, chosen)
    except IntegrityError:
        db.session.rollback()
        raise Conflict() from None
    except DomainError:
        db.session.rollback()
        raise


def _apply_vote(poll, membership, chosen):
    now = utcnow()
    # The poll's row first, as a removal does (departures.py), then whether the member
    # still is one: a vote racing the member's removal lands before it or not at all.
    db.session.execute(select(Poll.id).where(Poll.id == poll.id).with_for_update())
    if db.session.scalar(select(Membership.status).where(Membership.id == membership.id)) != "active":
        raise NotFound()
    taken = db.session.scalar(
        select(Participation.id).where(Participation.poll_id == poll.id,
                                       Participation.membership_id == membership.id)
        .with_for_update()
    )
    if taken is not None:
        if poll.anonymous:
            raise AlreadyVoted()
        current = my_option_ids(poll, membership)
        if current == chosen:
            db.session.commit()
            return "same"
        if not poll.allow_change:
            raise ChangeNotAllowed()
        _claim_open_poll(poll, now, 0)
        removed, added = current - chosen, chosen - current
        db.session.execute(delete(Vote).where(
            Vote.poll_id == poll.id, Vote.membership_id == membership.id,
            Vote.option_id.in_(removed)))
        db.session.add_all(Vote(poll_id=poll.id, option_id=o, membership_id=membership.id,
                                created_at=now) for o in sorted(added))
        db.session.flush()
        _count(poll, plus=added, minus=removed)
        record_activity(membership)
        db.session.commit()
        return "changed"
    _claim_open_poll(poll, now, 1)
    db.session.add(Participation(poll_id=poll.id, membership_id=membership.id))
    if poll.anonymous:
        # The ballot joins the pending pool with no member on it; no counter and no
        # "last active" moves with this one vote (ballots.py).
        db.session.flush()
        counted = ballots.add_ballot(poll, chosen)
        db.session.commit()
        ballots.after_counting(counted)
        return "created"
    db.session.add_all(Vote(poll_id=poll.id, option_id=o, membership_id=membership.id,
                            created_at=now) for o in sorted(chosen))
    db.session.flush()
    _count(poll, plus=chosen)
    record_activity(membership)
    db.session.commit()
    return "created"


def withdraw_vote(person, poll):
    """Take one's vote back where changes are allowed (never on a secret ballot)."""
    membership = authorize(person, Action.ACT, poll)
    if poll.anonymous:
        raise AlreadyVoted()
    if not poll.allow_change:
        raise ChangeNotAllowed()
    if is_closed(poll):
        raise PollClosed()
    try:
        taken = db.session.scalar(
            select(Participation).where(Participation.poll_id == poll.id,
                                        Participation.membership_id == membership.id)
            .with_for_update()
        )
        if taken is None:
            db.session.commit()
            return False
        _claim_open_poll(poll, utcnow(), -1)
        current = my_option_ids(poll, membership)
        db.session.execute(delete(Vote).where(Vote.poll_id == poll.id,
                                              Vote.membership_id == membership.id))
        db.session.delete(taken)
        db.session.flush()
        _count(poll, minus=current)
        db.session.commit()
        return True
    except DomainError:
        db.session.rollback()
        raise
