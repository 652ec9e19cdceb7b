"""The rules of polls, called directly: creating, voting, changing, closing, who sees
which results, and what a secret ballot stores (nothing that links a member to a choice)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from grouptools.core.closing import WidgetClosed, delete_widget
from grouptools.core.errors import Invalid, NotAllowed, NotFound
from grouptools.core.groups import service as groups
from grouptools.core.images import normalise_image
from grouptools.core.models import Image, Membership, Person
from grouptools.core.people import service as people
from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.poll import results, service, voting
from grouptools.poll.models import Participation, Poll, PollOption, Vote
from tests.poll.conftest import png_bytes

TEXTS = ["爬山", "看电影", "吃火锅"]


@pytest.fixture
def world(app_ctx):
    """An owner's group with members 甲 乙 丙 (Person objects by name)."""
    owner, _ = people.create_person("群主")
    group = groups.create_group(owner, name="跑步群")
    persons = {"群主": owner}
    for name in ("甲", "乙", "丙"):
        person, _ = people.create_person(name)
        groups.join_group(person, group)
        persons[name] = person
    return group, persons


def new_poll(world, texts=TEXTS, **settings):
    group, persons = world
    return service.create_poll(persons["群主"], group, title="周末去哪儿",
                               options=[{"text": t} for t in texts], **settings)


def ids(poll, *indexes):
    return [poll.options[i].public_id for i in indexes]


def counts(poll):
    db.session.expire_all()
    return [o.votes for o in db.session.get(Poll, poll.id).options]


def picture(group, uploader):
    normalised = normalise_image(png_bytes())
    image = Image(group_id=group.id, uploader_id=uploader.id, mime=normalised.mime,
                  width=normalised.width, height=normalised.height, data=normalised.full,
                  thumb_mime=normalised.mime, thumb_width=normalised.thumb_width,
                  thumb_height=normalised.thumb_height, thumb_data=normalised.thumb,
                  digest="0" * 64)
    db.session.add(image)
    db.session.commit()
    return image


# --- creating -----------------------------------------------------------------------------

def test_a_single_choice_poll_takes_exactly_one(world):
    poll = new_poll(world)
    assert (poll.multiple, poll.min_choices, poll.max_choices) == (False, 1, 1)
    assert [o.text for o in poll.options] == TEXTS
    assert poll.created_by_id == world[1]["群主"].id


def test_multiple_choice_defaults_to_one_to_all(world):
    poll = new_poll(world, multiple=True)
    assert (poll.min_choices, poll.max_choices) == (1, 3)


@pytest.mark.parametrize("settings, field", [
    ({"anonymous": True, "allow_change": True}, "allow_change"),
    ({"multiple": True, "max_choices": 4}, "max_choices"),
    ({"multiple": True, "min_choices": 3, "max_choices": 2}, "min_choices"),
    ({"multiple": False, "max_choices": 2}, "max_choices"),
])
def test_rules_that_contradict_each_other_are_refused(world, settings, field):
    with pytest.raises(Invalid) as refused:
        new_poll(world, **settings)
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Poll)) == 0


def test_a_deadline_in_the_past_is_refused(world):
    with pytest.raises(Invalid) as refused:
        new_poll(world, deadline=utcnow() - timedelta(minutes=1))
    assert "deadline" in refused.value.errors


def test_picture_options_must_be_pictures_of_the_group(world):
    group, persons = world
    mine = picture(group, persons["群主"])
    other_group = groups.create_group(persons["甲"], name="别的群")
    theirs = picture(other_group, persons["甲"])
    poll = service.create_poll(persons["群主"], group, title="哪张照片好看",
                               options=[{"image_id": mine.public_id}, {"text": "都不好看"}])
    assert poll.options[0].image.id == mine.id and poll.options[0].text == ""
    with pytest.raises(Invalid) as refused:
        service.create_poll(persons["群主"], group, title="x",
                            options=[{"image_id": theirs.public_id}, {"text": "y"}])
    assert refused.value.errors["options"] == {0: {"image_id": ["No such picture in this group."]}}


def test_members_create_only_where_the_group_allows_it(world):
    group, persons = world
    with pytest.raises(NotAllowed):
        service.create_poll(persons["甲"], group, title="x", options=[{"text": "a"}, {"text": "b"}])
    groups.update_settings(persons["群主"], group, members_can_create=True)
    poll = service.create_poll(persons["甲"], group, title="x", options=[{"text": "a"}, {"text": "b"}])
    # Its creator manages it though only a member.
    service.close_poll(persons["甲"], poll)
    with pytest.raises(NotAllowed):
        service.close_poll(persons["乙"], poll)


# --- voting -------------------------------------------------------------------------------

def test_a_first_vote_counts_once_and_the_same_again_changes_nothing(world):
    poll = new_poll(world)
    persons = world[1]
    assert voting.cast_vote(persons["甲"], poll, ids(poll, 0)) == "created"
    # Within a minute the same choice is the first vote sent twice (a double tap).
    assert voting.cast_vote(persons["甲"], poll, ids(poll, 0)) == "created"
    db.session.execute(update(Vote).values(created_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    assert voting.cast_vote(persons["甲"], poll, ids(poll, 0)) == "same"
    assert counts(poll) == [1, 0, 0]
    assert db.session.get(Poll, poll.id).voter_count == 1


def test_changing_needs_allow_change(world):
    poll = new_poll(world)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    with pytest.raises(voting.ChangeNotAllowed):
        voting.cast_vote(persons["甲"], poll, ids(poll, 1))
    assert counts(poll) == [1, 0, 0]


def test_a_change_moves_the_counters_and_withdrawing_takes_them_back(world):
    poll = new_poll(world, multiple=True, min_choices=1, max_choices=2, allow_change=True)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0, 1))
    voting.cast_vote(persons["乙"], poll, ids(poll, 1))
    assert voting.cast_vote(persons["甲"], poll, ids(poll, 1, 2)) == "changed"
    assert counts(poll) == [0, 2, 1]
    assert voting.withdraw_vote(persons["甲"], poll) is True
    assert counts(poll) == [0, 1, 0]
    assert db.session.get(Poll, poll.id).voter_count == 1
    assert voting.withdraw_vote(persons["甲"], poll) is False  # nothing left to withdraw


def test_a_change_racing_a_close_is_refused_and_changes_nothing(world, monkeypatch):
    poll = new_poll(world, allow_change=True)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    # Another request closes the poll after this one found it open.
    monkeypatch.setattr(Poll, "is_closed", lambda self, now=None: False)
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(closed_at=utcnow()))
    db.session.commit()
    with pytest.raises(WidgetClosed):
        voting.cast_vote(persons["甲"], poll, ids(poll, 1))
    assert counts(poll) == [1, 0, 0]
    assert db.session.scalars(select(Vote.option_id)).all() == [poll.options[0].id]


def test_a_change_checked_before_the_options_changed_is_checked_again(world):
    poll = new_poll(world, allow_change=True)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    ballot = voting.check_ballot(poll, ids(poll, 1))
    # The settings move between the check (before the write) and the write.
    db.session.execute(update(Poll).where(Poll.id == poll.id)
                       .values(updated_at=utcnow() + timedelta(seconds=1)))
    db.session.commit()
    assert voting.cast_vote(persons["甲"], poll, ids(poll, 1), ballot=ballot) == "changed"
    assert counts(poll) == [0, 1, 0]
    assert db.session.get(Poll, poll.id).voter_count == 1


@pytest.mark.parametrize("chosen, message", [
    ([], "Choose from 2 to 3 options."),
    ([0], "Choose from 2 to 3 options."),
    ([0, 0], "Each option may be chosen once."),
])
def test_min_and_max_are_enforced(world, chosen, message):
    poll = new_poll(world, multiple=True, min_choices=2, max_choices=3)
    with pytest.raises(Invalid) as refused:
        voting.cast_vote(world[1]["甲"], poll, [poll.options[i].public_id for i in chosen])
    assert refused.value.errors["option_ids"] == [message]


def test_an_option_of_another_poll_is_refused(world):
    poll, other = new_poll(world), new_poll(world)
    with pytest.raises(Invalid):
        voting.cast_vote(world[1]["甲"], poll, ids(other, 0))


def test_a_closed_poll_refuses_votes_and_reopens(world):
    poll = new_poll(world)
    persons = world[1]
    service.close_poll(persons["群主"], poll)
    with pytest.raises(WidgetClosed):
        voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    service.close_poll(persons["群主"], poll, closed=False)
    assert voting.cast_vote(persons["甲"], poll, ids(poll, 0)) == "created"


def test_a_poll_past_its_deadline_is_closed_though_nothing_ran(world):
    poll = new_poll(world, deadline=utcnow() + timedelta(hours=1))
    persons = world[1]
    assert results.poll_state(persons["甲"], poll).closed is False
    # Time passes: nothing is scheduled, the deadline alone closes it.
    db.session.execute(update(Poll).where(Poll.id == poll.id)
                       .values(deadline=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert results.poll_state(persons["甲"], poll).closed is True
    with pytest.raises(WidgetClosed):
        voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    # Reopening drops a deadline that would close it again at once.
    service.close_poll(persons["群主"], poll, closed=False)
    assert poll.deadline is None and not poll.is_closed()


def test_the_closed_check_is_part_of_the_write(world):
    """A vote that passed the first check when the deadline arrives is still refused."""
    poll = new_poll(world)
    membership = db.session.scalar(select(Membership).where(Membership.person_id == world[1]["甲"].id))
    db.session.execute(update(Poll).where(Poll.id == poll.id).values(closed_at=utcnow()))
    with pytest.raises(WidgetClosed):
        voting._apply_vote(poll, membership, {poll.options[0].id})


def test_strangers_cannot_vote_or_see(world):
    poll = new_poll(world)
    stranger, _ = people.create_person("路人")
    with pytest.raises(NotFound):
        voting.cast_vote(stranger, poll, ids(poll, 0))
    with pytest.raises(NotFound):
        results.poll_state(stranger, poll)


# --- secret ballots ---------------------------------------------------------------------

def test_a_secret_ballot_is_voted_once(world):
    poll = new_poll(world, anonymous=True)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 2))
    for again in (ids(poll, 2), ids(poll, 0)):
        with pytest.raises(voting.AlreadyVoted):
            voting.cast_vote(persons["甲"], poll, again)
    with pytest.raises(voting.AlreadyVoted):
        voting.withdraw_vote(persons["甲"], poll)
    state = results.poll_state(persons["甲"], poll)
    assert state.voted and state.my_vote is None
    assert counts(poll) == [0, 0, 0]  # one ballot waits for its batch
    service.close_poll(persons["群主"], poll)
    assert counts(poll) == [0, 0, 1]


def _foreign_keys(table, target):
    return [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table.name == target]


def test_no_row_anywhere_links_a_member_to_a_secret_choice(world, app):
    poll = new_poll(world, anonymous=True, multiple=True, max_choices=2)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    voting.cast_vote(persons["乙"], poll, ids(poll, 0, 2))
    voters = [persons["甲"], persons["乙"]]
    member_ids = set(db.session.scalars(select(Membership.id).where(
        Membership.person_id.in_([p.id for p in voters]))))
    person_ids = {p.id for p in voters}
    option_ids = {o.id for o in poll.options}
    option_public = {o.public_id for o in poll.options}

    for table in db.metadata.sorted_tables:
        to_member = _foreign_keys(table, "membership")
        to_person = _foreign_keys(table, "person")
        to_option = _foreign_keys(table, "poll_option")
        for row in db.session.execute(select(table)).mappings():
            names_voter = any(row[c] in member_ids for c in to_member) or \
                any(row[c] in person_ids for c in to_person)
            names_option = any(row[c] in option_ids for c in to_option) or \
                any(str(v) in option_public for v in row.values() if table.name != "poll_option")
            assert not (names_voter and names_option), (table.name, dict(row))
    # What is kept: who took part, and the counters.
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 0
    assert db.session.scalar(select(func.count()).where(Participation.poll_id == poll.id)) == 2
    assert counts(poll) == [0, 0, 0]  # two ballots wait, sealed, for a batch of 5 or close
    service.close_poll(persons["群主"], poll)
    assert counts(poll) == [2, 0, 1]
    # Options carry no time that could line up with a participation.
    assert not any("at" in c.name.split("_") for c in PollOption.__table__.columns)
    if db.engine.dialect.name == "postgresql":
        # Every option row was rewritten by the count: not even the row versions differ.
        xmins = db.session.scalars(text("SELECT xmin::text FROM poll_option WHERE poll_id = :p"),
                                   {"p": poll.id}).all()
        assert len(set(xmins)) == 1


# --- who sees the results ---------------------------------------------------------------

@pytest.mark.parametrize("mode, before, after_vote, after_close", [
    ("always", None, None, None),
    ("after_vote", "after_vote", None, None),
    ("after_close", "after_close", "after_close", None),
    ("managers", "never", "never", "never"),
])
def test_each_visibility_mode(world, mode, before, after_vote, after_close):
    poll = new_poll(world, results_visibility=mode)
    persons = world[1]
    assert results.poll_state(persons["乙"], poll).results_visible_when == before
    voting.cast_vote(persons["乙"], poll, ids(poll, 0))
    state = results.poll_state(persons["乙"], poll)
    assert state.results_visible_when == after_vote
    assert (state.results is None) == (after_vote is not None)
    service.close_poll(persons["群主"], poll)
    assert results.poll_state(persons["丙"], poll).results_visible_when == after_close
    # Managers always see them.
    assert results.poll_state(persons["群主"], poll).results is not None
    if after_close is not None:
        with pytest.raises(results.ResultsHidden):
            results.poll_results(persons["丙"], poll)


def test_results_count_percent_and_winners(world):
    poll = new_poll(world, multiple=True, max_choices=2)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0, 1))
    voting.cast_vote(persons["乙"], poll, ids(poll, 0, 1))
    voting.cast_vote(persons["丙"], poll, ids(poll, 2))
    tallies = results.poll_results(persons["甲"], poll)
    assert tallies.voter_count == 3
    assert [(r.votes, r.percent, r.winner) for r in tallies.options] == [
        (2, 66.7, True), (2, 66.7, True), (1, 33.3, False)]
    assert [m.display_name for m in tallies.options[0].voters] == ["甲", "乙"]
    assert tallies.not_voted is None  # members see no not-voted list


def test_voters_are_the_first_fifty_with_the_rest_counted(world):
    group, persons = world
    poll = new_poll(world)
    for n in range(55):
        person, _ = people.create_person(f"成员{n}")
        groups.join_group(person, group)
        voting.cast_vote(person, poll, ids(poll, 1))
    row = results.poll_results(persons["群主"], poll).options[1]
    assert len(row.voters) == 50 and row.voters_more == 5
    assert row.voters[0].display_name == "成员0"


def test_managers_see_who_has_not_voted_and_a_reminder(world, app):
    poll = new_poll(world)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    tallies = results.poll_results(persons["群主"], poll)
    assert [m.display_name for m in tallies.not_voted] == ["群主", "乙", "丙"]
    assert tallies.not_voted_count == 3
    with app.test_request_context("/?lang=zh_Hans"):
        text_ = results.reminder_text(tallies, "https://example.org/p/x")
    assert text_ == "@群主 @乙 @丙 请投票：周末去哪儿\nhttps://example.org/p/x"


def test_a_secret_ballot_tells_managers_how_many_not_who(world, app):
    poll = new_poll(world, anonymous=True)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    tallies = results.poll_results(persons["群主"], poll)
    assert tallies.not_voted is None and tallies.not_voted_count == 3
    assert all(r.voters is None for r in tallies.options)
    with app.test_request_context("/?lang=en"):
        assert results.reminder_text(tallies, "u") == "Please vote: 周末去哪儿\nu"


# --- managing -----------------------------------------------------------------------------

def test_options_and_rules_are_fixed_once_voted(world):
    poll = new_poll(world)
    persons = world[1]
    service.update_poll(persons["群主"], poll, options=[{"text": "a"}, {"text": "b"}], multiple=True)
    assert [o.text for o in poll.options] == ["a", "b"] and poll.max_choices == 2
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    with pytest.raises(service.OptionsFixed):
        service.update_poll(persons["群主"], poll, options=[{"text": "c"}, {"text": "d"}])
    service.update_poll(persons["群主"], poll, title="新标题", results_visibility="after_close")
    assert (poll.title, poll.results_visibility) == ("新标题", "after_close")


def test_duplicate_is_open_with_the_same_options_and_no_votes(world):
    poll = new_poll(world, multiple=True, max_choices=2, results_visibility="after_vote")
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    service.close_poll(persons["群主"], poll)
    copy = service.duplicate_poll(persons["群主"], poll)
    assert copy.id != poll.id and not copy.is_closed()
    assert [o.text for o in copy.options] == TEXTS and copy.voter_count == 0
    assert (copy.max_choices, copy.results_visibility) == (2, "after_vote")
    assert counts(copy) == [0, 0, 0]


def test_deleting_takes_options_and_votes_with_it(world):
    poll = new_poll(world)
    persons = world[1]
    voting.cast_vote(persons["甲"], poll, ids(poll, 0))
    with pytest.raises(NotAllowed):
        delete_widget(persons["甲"], poll)
    delete_widget(persons["群主"], poll)
    for model in (Poll, PollOption, Vote, Participation):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_the_group_page_lists_polls_for_members_only(world):
    group, persons = world
    first = new_poll(world)
    second = new_poll(world)
    voting.cast_vote(persons["甲"], first, ids(first, 0))
    listed = service.polls_for_group(group, persons["甲"])
    assert [(p.id, closed, voted) for p, closed, voted in listed] == [
        (second.id, False, False), (first.id, False, True)]
    stranger, _ = people.create_person("路人")
    assert service.polls_for_group(group, stranger) == []
    assert service.polls_for_group(group, None) == []
    assert db.session.get(Person, stranger.id) is not None
