"""A waitlisted member who gets a place is told on the relay page, for a few days."""
from datetime import timedelta

from grouptools.core.timeutil import utcnow
from grouptools.extensions import db
from grouptools.relay.models import RelayEntry


def promoted(group_with):
    gid, owner, people = group_with(members=["小明", "小红", "小刚"])
    first, second, third = (people[name][0] for name in ("小明", "小红", "小刚"))
    relay = owner.post(f"/api/v1/groups/{gid}/relays",
                       json={"title": "羽毛球", "capacity": 1}).get_json()
    entry = first.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}}).get_json()
    second.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})
    third.post(f"/api/v1/relays/{relay['id']}/entries", json={"values": {}})
    assert "转正" not in second.get(f"/r/{relay['id']}").get_data(as_text=True)
    first.delete(f"/api/v1/relays/{relay['id']}/entries/{entry['id']}")
    return relay, second, third


def test_the_member_who_moved_up_sees_it_on_the_page(group_with):
    relay, second, third = promoted(group_with)
    zh = second.get(f"/r/{relay['id']}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "你从候补转正了：1号" in zh
    en = second.get(f"/r/{relay['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You moved up from the waitlist: No. 1" in en
    # The one still waiting is not told anything of the kind.
    still = third.get(f"/r/{relay['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You moved up" not in still and "Waitlist 1" in still


def test_the_news_goes_after_a_few_days(app, group_with):
    relay, second, _ = promoted(group_with)
    with app.app_context():
        for row in db.session.scalars(db.select(RelayEntry)):
            row.confirmed_at = utcnow() - timedelta(days=4)
        db.session.commit()
    page = second.get(f"/r/{relay['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You moved up" not in page and "No. 1" in page
