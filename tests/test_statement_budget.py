"""The statement budget of a request (issue 16, docs/architecture.md#statement-budget):
every widget page and JSON answer runs at most 8 SQL statements, the group page at most
4 + 1 per widget kind, "Me" as much — and none runs more for a group with more members,
entries, votes, check-ins, receipts, cards or widgets. Every statement the driver runs
counts, SQLite's BEGIN included (PostgreSQL's is implicit: one fewer there).

Each route is asked twice, of a small group (two members, one widget of each kind) and of
a bigger one (twelve members who all take part, three widgets of each kind), by a member
who takes part and by the group's owner; the second of two requests is counted, so what a
first visit writes (a notice's receipt) is not."""
from datetime import datetime, timedelta, timezone

import pytest

from grouptools.core.widgets import registered_widgets
from tests.conftest import statements_run

WIDGET_BUDGET = 8
GROUP_BASE = 4
OPTIONS = [{"text": "爬山"}, {"text": "看电影"}, {"text": "吃火锅"}]
FIELDS = [{"key": "phone", "label": "手机号", "type": "phone", "private": True}]
CARD = {"name": "王小明", "company": "示例科技", "phone": "13812345678", "city": "上海"}


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


class Seeded:
    """A group of `members` members besides its owner, `each` widgets of every kind, and
    every member taking part in each: votes, sign-ups, receipts and confirmations,
    today's check-ins, event sign-ins, cards."""

    def __init__(self, user, members, each):
        self.owner = user("群主")
        self.gid = self.owner.post("/api/v1/groups", json={"name": "跑步群"}).get_json()["id"]
        self.members = [user(f"成员{i}") for i in range(members)]
        for member in self.members:
            assert member.post(f"/api/v1/groups/{self.gid}/join", json={}).status_code in (200, 201)
        self.member = self.members[0]
        self.ids = {key: [] for key in ("poll", "relay", "notice", "habit", "event")}
        for _ in range(each):
            self._poll()
            self._relay()
            self._notice()
            self._habit()
            self._event()
        self._cards()

    def _made(self, key, path, body):
        answer = self.owner.post(f"/api/v1/groups/{self.gid}/{path}", json=body)
        assert answer.status_code == 201, answer.get_json()
        made = answer.get_json()
        self.ids[key].append(made["id"])
        return made

    def _poll(self):
        poll = self._made("poll", "polls", {"title": "周末去哪儿", "options": OPTIONS,
                                             "multiple": True})
        for i, member in enumerate([self.owner, *self.members]):
            chosen = [poll["options"][i % 3]["id"], poll["options"][(i + 1) % 3]["id"]]
            assert member.post(f"/api/v1/polls/{poll['id']}/votes",
                               json={"option_ids": chosen}).status_code == 201

    def _relay(self):
        relay = self._made("relay", "relays", {"title": "值日", "fields": FIELDS, "capacity": 5})
        for member in self.members:
            assert member.post(f"/api/v1/relays/{relay['id']}/entries", json={
                "values": {"phone": "13800138000"}}).status_code == 201

    def _notice(self):
        notice = self._made("notice", "notices", {"title": "周六活动通知", "body": "东门集合"})
        for member in self.members:
            assert member.get(f"/api/v1/notices/{notice['id']}").status_code == 200
            assert member.post(f"/api/v1/notices/{notice['id']}/confirm").status_code == 201

    def _habit(self):
        habit = self._made("habit", "habits", {"title": "每天跑步", "proof": "none",
                                               "milestones": [1, 7]})
        for member in [self.owner, *self.members]:
            answer = member.post(f"/api/v1/habits/{habit['id']}/checkins", json={"text": "跑完"})
            assert answer.status_code == 201, answer.get_json()

    def _event(self):
        now = datetime.now(timezone.utc)
        event = self._made("event", "events", {
            "title": "读书会签到", "starts_at": _iso(now - timedelta(hours=1)),
            "ends_at": _iso(now + timedelta(hours=2))})
        code = self.owner.get(f"/api/v1/events/{event['id']}/code").get_json()["code"]
        for member in self.members:
            assert member.post(f"/api/v1/events/{event['id']}/signin",
                               json={"code": code}).status_code == 201

    def _cards(self):
        folder = self.owner.post(f"/api/v1/groups/{self.gid}/card-folder", json={})
        assert folder.status_code == 201
        self.ids["folder"] = [folder.get_json()["id"]]
        for i, member in enumerate([self.owner, *self.members]):
            answer = member.call("PUT", f"/api/v1/groups/{self.gid}/cards/me",
                                 json={"values": {**CARD, "name": f"王{i}"}, "public": True})
            assert answer.status_code == 201, answer.get_json()
        self.ids["card"] = [self.member.get(f"/api/v1/groups/{self.gid}/cards/me"
                                            ).get_json()["id"]]

    def widget_routes(self):
        """(name, path, managers only) of every widget page and GET answer counted."""
        g = self.gid
        p, r, n, h, e, f, c = (self.ids[key][-1] for key in (
            "poll", "relay", "notice", "habit", "event", "folder", "card"))
        return [
            ("poll page", f"/p/{p}", False),
            ("poll JSON", f"/api/v1/polls/{p}", False),
            ("poll results", f"/api/v1/polls/{p}/results", False),
            ("poll live", f"/p/{p}/live.json", False),
            ("relay page", f"/r/{r}", False),
            ("relay JSON", f"/api/v1/relays/{r}", False),
            ("relay text", f"/api/v1/relays/{r}/text", False),
            ("relay change log", f"/api/v1/relays/{r}/log", False),
            ("relay change log page", f"/r/{r}/log", False),
            ("relay manage page", f"/r/{r}/manage", True),
            ("notice page", f"/n/{n}", False),
            ("notice JSON", f"/api/v1/notices/{n}", False),
            ("notice receipts", f"/api/v1/notices/{n}/receipts", True),
            ("habit page", f"/h/{h}", False),
            ("habit today page", f"/h/{h}/today", False),
            ("habit JSON", f"/api/v1/habits/{h}", False),
            ("habit stats", f"/api/v1/habits/{h}/stats", False),
            ("habit calendar", f"/api/v1/habits/{h}/calendar", False),
            ("habit feed", f"/api/v1/habits/{h}/feed", False),
            ("event page", f"/e/{e}", False),
            ("event JSON", f"/api/v1/events/{e}", False),
            ("event attendance", f"/api/v1/events/{e}/attendance", True),
            ("card folder page", f"/f/{f}", False),
            ("card folder JSON", f"/api/v1/card-folders/{f}", False),
            ("cards page", f"/g/{g}/cards", False),
            ("cards JSON", f"/api/v1/groups/{g}/cards", False),
            ("my card JSON", f"/api/v1/groups/{g}/cards/me", False),
            ("card page", f"/c/{c}", False),
            ("card JSON", f"/api/v1/cards/{c}", False),
        ]


def counted(person, path):
    """The statements of the second of two requests (the first may record a visit)."""
    assert person.get(path).status_code == 200, path
    with statements_run(person.client.application) as seen:
        answer = person.get(path)
    assert answer.status_code == 200, path
    return seen


@pytest.fixture
def worlds(user):
    return Seeded(user, members=2, each=1), Seeded(user, members=12, each=3)


def _counts(worlds, routes_of):
    """{(route, asker): (small, big)} and the statements of the big group's requests."""
    small, big = worlds
    counts, texts = {}, {}
    for (name, path, managers), (_, big_path, _) in zip(routes_of(small), routes_of(big)):
        for asker in ("manager", "member"):
            if managers and asker == "member":
                continue
            one = counted(small.owner if asker == "manager" else small.member, path)
            many = counted(big.owner if asker == "manager" else big.member, big_path)
            counts[(name, asker)] = (len(one), len(many))
            texts[(name, asker)] = many
    return counts, texts


def _check(counts, texts, budget_of):
    for (name, asker), (one, many) in counts.items():  # the table, seen with pytest -s
        print(f"| {name} | {asker} | {one} | {many} |")
    wrong = [f"{name} ({asker}): {one} statements, {many} with more of everything; budget "
             f"{budget_of(name)}" for (name, asker), (one, many) in counts.items()
             if many > budget_of(name) or one != many]
    detail = "\n\n".join("\n".join([f"-- {key}"] + texts[key]) for key in counts
                         if f"{key[0]} ({key[1]})" in "".join(wrong))
    assert not wrong, "\n".join(wrong) + "\n\n" + detail


def test_every_widget_page_and_answer_keeps_its_budget_whatever_the_size(worlds):
    counts, texts = _counts(worlds, Seeded.widget_routes)
    _check(counts, texts, lambda name: WIDGET_BUDGET)


def test_the_group_page_and_me_keep_theirs(app, worlds):
    small, big = worlds
    page = big.member.get(f"/g/{big.gid}").get_data(as_text=True)
    assert page.count("周末去哪儿") == 3 and page.count("读书会签到") == 3  # the bigger one is
    kinds = len(registered_widgets(app))
    budget = GROUP_BASE + kinds

    def routes(world):
        return [("group page", f"/g/{world.gid}", False), ("me", "/me", False)]

    counts, texts = _counts(worlds, routes)
    _check(counts, texts, lambda name: budget)
