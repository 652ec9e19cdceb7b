"""Sample groups for `make demo` (`flask grouptools demo`): every widget with realistic
data, seeded through the same service functions the API calls, so the demo keeps to the
rules the app keeps (capacity and waitlist, one vote, one check-in a day, certificates).

Its one liberty is time: the groups are told as a month old — memberships are dated
five weeks back and check-ins are made with the service's `now` set to each past
morning — so the habit shows a month of check-ins and certificates already earned."""
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from grouptools.card import service as cards
from grouptools.checkin import checkins, events
from grouptools.checkin import service as habits
from grouptools.checkin.eventcode import current_code
from grouptools.core.groups import service as groups
from grouptools.core.models import Group
from grouptools.core.people import service as people
from grouptools.core.people.views import personal_signin_url
from grouptools.core.timeutil import group_zone, local_today, utcnow
from grouptools.core.uploads import store_image
from grouptools.demo.photos import photo
from grouptools.demo.stories import STORIES
from grouptools.extensions import db
from grouptools.notice import receipts
from grouptools.notice import service as notices
from grouptools.poll import service as polls
from grouptools.poll.voting import cast_vote
from grouptools.relay import service as relays
from grouptools.relay.signups import sign_up

HISTORY_DAYS = 30
# How often each person checked in over the month, by their place in the group: the
# owner every day (all three certificates), then fewer and fewer.
DILIGENCE = (1.0, 0.95, 0.8, 0.75, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1)


@dataclass
class SamplePerson:
    name: str
    group: str
    role: str
    signin_url: str


class NotEmpty(Exception):
    """The database already holds groups: the demo seeds only a fresh one."""


def seed_demo():
    """Both sample groups; returns a SamplePerson per person, with their sign-in link.
    Runs inside a request context (links are absolute, built from its base URL)."""
    if db.session.scalar(select(func.count(Group.id))):
        raise NotEmpty()
    rng = random.Random(17)
    sample = []
    for story in STORIES:
        sample.extend(_seed_group(story, rng))
    return sample


def _seed_group(story, rng):
    owner, _ = people.create_person(story["owner"])
    group = groups.create_group(owner, **story["group"])
    members = []
    for name in story["members"]:
        person, _ = people.create_person(name)
        groups.join_group(person, group)
        members.append(person)
    founded = utcnow() - timedelta(days=HISTORY_DAYS + 5)
    for membership in group.memberships:
        membership.joined_at = founded
    db.session.commit()

    everyone = [owner, *members]
    _seed_cards(story, group, everyone)
    _seed_poll(story, group, owner, members)
    _seed_relay(story, group, owner, members)
    _seed_notice(story, group, owner, members)
    _seed_habit(story, group, owner, everyone, rng)
    _seed_event(story, group, owner, members)
    return [SamplePerson(p.name, group.name, "owner" if p is owner else "member",
                         personal_signin_url(p)) for p in everyone]


def _seed_cards(story, group, everyone):
    settings = story["cards"]
    cards.create_folder(everyone[0], group, title=settings["title"],
                        description=settings["description"])
    cards.save_settings(everyone[0], group, settings["fields"],
                        display_name_format=settings["display_name_format"])
    keys = {field["key"] for field in settings["fields"]}
    # The last ones have not filled in their card yet: the folder lists them as missing.
    for n, (person, values) in enumerate(zip(everyone, settings["values"])):
        private = {"phone": f"1390000{n:04d}"} if "phone" in keys else {
            "email": f"{person.name.split()[0].lower()}@example.org"}
        cards.save_my_card(person, group, {"name": person.name, **private, **values}, public=n % 3 == 0)


def _seed_poll(story, group, owner, members):
    spec = story["poll"]
    options = []
    for n, (text, scene) in enumerate(spec["options"]):
        image = store_image(owner, photo(scene, n), group)
        options.append({"text": text, "image_id": image.public_id})
    poll = polls.create_poll(owner, group, title=spec["title"], description=spec["description"],
                             options=options, deadline=utcnow() + timedelta(days=5))
    option_ids = [option.public_id for option in poll.options]
    for person, choice in zip(members, spec["votes"]):
        cast_vote(person, poll, [option_ids[choice]])


def _seed_relay(story, group, owner, members):
    spec = story["relay"]
    relay = relays.create_relay(owner, group, spec["title"], description=spec["description"],
                                fields=spec["fields"], capacity=spec["capacity"],
                                deadline=utcnow() + timedelta(days=3))
    for person, values in zip(members, spec["entries"]):
        sign_up(person, relay, {key: value for key, value in values.items() if value})


def _seed_notice(story, group, owner, members):
    spec = story["notice"]
    notice = notices.publish(owner, group, title=spec["title"], body=spec["body"],
                             deadline=utcnow() + timedelta(days=2), pinned=True)
    confirming = members[:spec["confirmed"]]
    viewing = members[spec["confirmed"]:spec["confirmed"] + spec["viewed"]]
    for person in confirming:
        receipts.confirm(person, notice)
    for person in viewing:
        notices.notice_state(person, notice)


def _seed_habit(story, group, owner, everyone, rng):
    spec = story["habit"]
    habit = habits.create_habit(owner, group, title=spec["title"], description=spec["description"],
                                proof="none", milestones=[7, 21, 30])
    zone = group_zone(group)
    today = local_today(group)
    for back in range(HISTORY_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        for person, diligence in zip(everyone, DILIGENCE):
            if back == 0 and person is not owner and rng.random() < 0.4:
                continue  # some have not checked in yet today
            if diligence < 1 and rng.random() > diligence:
                continue
            morning = datetime.combine(day, time(7, rng.randrange(60)), zone)
            checkins.check_in(person, habit, text=rng.choice(spec["texts"]),
                              now=min(morning, utcnow()))


def _seed_event(story, group, owner, members):
    now = utcnow()
    event = events.create_event(owner, group, title=story["event"]["title"],
                                starts_at=now - timedelta(minutes=30),
                                ends_at=now + timedelta(hours=3),
                                late_after=now + timedelta(minutes=15))
    code, _ = current_code(event)
    for person in members[:len(members) // 2 + 1]:
        events.sign_in(person, event, code)
