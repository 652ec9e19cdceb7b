"""A relay's optional time and place: set on creation or later, shown on the page, the
ticket and the chat text, in the group's time zone and the reader's language."""
import html

import pytest

from tests.kinds import poster_facts_of
from tests.relay.conftest import sign_up

ZH = {"Accept-Language": "zh-CN"}


def test_time_and_place_show_on_the_page_ticket_and_chat_text(relay_with):
    rid, owner, people, _ = relay_with(members=["甲"], starts_at="2027-03-06T01:00:00+00:00",
                                       place="北宫门")
    relay = owner.get(f"/api/v1/relays/{rid}").get_json()
    assert relay["starts_at"] == "2027-03-06T01:00:00+00:00" and relay["place"] == "北宫门"
    page = people["甲"].get(f"/r/{rid}", headers=ZH).get_data(as_text=True)
    assert "2027年3月6日周六 09:00" in page and "北宫门" in page  # Asia/Shanghai
    english = people["甲"].get(f"/r/{rid}").get_data(as_text=True)
    assert "Sat, Mar 6, 2027, 9:00" in english
    text = people["甲"].get(f"/api/v1/relays/{rid}/text", headers=ZH).get_json()["text"]
    assert text.splitlines()[2:4] == ["时间：2027年3月6日周六 09:00", "地点：北宫门"]
    sign_up(people["甲"], rid)
    ticket = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]["ticket_url"]
    assert "北宫门" in people["甲"].get(ticket.split("localhost", 1)[1]).get_data(as_text=True)
    # The time and place lines of a pasted text are header lines, not refused entries.
    text = people["甲"].get(f"/api/v1/relays/{rid}/text", headers=ZH).get_json()["text"]
    again = owner.post(f"/api/v1/relays/{rid}/import", json={"text": text}).get_json()
    assert {r["reason"] for r in again["rejected"]} == {"Already on the list."}


def test_changed_later_and_refused_when_out_of_range(relay_with):
    rid, owner, _, _ = relay_with()
    assert owner.patch(f"/api/v1/relays/{rid}", json={"place": "线上"}).get_json()["place"] == "线上"
    refused = owner.patch(f"/api/v1/relays/{rid}", json={"starts_at": "1999-01-01T00:00:00Z"})
    assert refused.status_code == 422 and "starts_at" in refused.get_json()["errors"]["json"]
    assert owner.patch(f"/api/v1/relays/{rid}", json={"starts_at": None}).status_code == 200
    assert "When" not in owner.get(f"/r/{rid}").get_data(as_text=True).split("relay-head", 1)[1][:2000]


WHEN_WHERE = {
    "zh": ({"Accept-Language": "zh-CN"}, "2027年3月6日周六 09:00", "时间：", "地点："),
    "en": ({"Accept-Language": "en"}, "Sat, Mar 6, 2027, 9:00\u202fAM", "When: ", "Where: "),
}


@pytest.mark.parametrize("language", sorted(WHEN_WHERE))
def test_time_and_place_wherever_the_relay_shows(app, client, relay_with, language):
    """The page, the ticket, the chat text, the poster and a stranger's card (before
    joining) all say when and where, in the reader's language."""
    headers, when, when_label, where_label = WHEN_WHERE[language]
    rid, owner, people, _ = relay_with(members=["甲"], starts_at="2027-03-06T01:00:00+00:00",
                                       place="北宫门")
    sign_up(people["甲"], rid)
    page = people["甲"].get(f"/r/{rid}", headers=headers).get_data(as_text=True)
    assert when in page and "北宫门" in page
    ticket = owner.get(f"/api/v1/relays/{rid}").get_json()["entries"][0]["ticket_url"]
    ticket_page = people["甲"].get(ticket.split("localhost", 1)[1], headers=headers)
    assert when in ticket_page.get_data(as_text=True)
    assert "北宫门" in ticket_page.get_data(as_text=True)
    text = people["甲"].get(f"/api/v1/relays/{rid}/text", headers=headers).get_json()["text"]
    lines = [when_label + when, where_label + "北宫门"]
    assert text.splitlines()[2:4] == lines
    facts = [text for text, _ in poster_facts_of(app, "relay", rid, language)]
    assert facts[:2] == lines
    stranger = client.get(f"/r/{rid}", headers=headers)
    card = html.unescape(stranger.get_data(as_text=True))
    assert stranger.status_code == 200 and 'name="your_name"' in card
    assert all(f'<li>{line}</li>' in card for line in lines), card
