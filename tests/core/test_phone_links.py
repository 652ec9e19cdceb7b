"""Phone numbers are tel: links for those allowed to see them (issue 15): a relay's
phone answers and a member card's phone, through the one `field_value` macro and
`tel_uri` filter of core; those who may not see a number find neither it nor its link."""
import pytest

from grouptools.core.plaintext import tel_uri
from tests.card.conftest import make_cards  # noqa: F401 (fixture)
from tests.core.groups.test_views import submit
from tests.relay.test_views import ZH, created_relay, phones  # noqa: F401 (fixture)

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("typed, uri", [
    ("13812345678", "tel:13812345678"),
    ("+86 138-1234 5678", "tel:+8613812345678"),
    ("＋852 6123 4567", "tel:+85261234567"),
    ("（021）6123-4567", "tel:02161234567"),
    ("无", None),
    ("", None),
])
def test_a_number_as_typed_becomes_a_tel_address(typed, uri):
    assert tel_uri(typed) == uri


@pytest.mark.parametrize("headers", [ZH, EN])
def test_a_relays_private_phone_is_a_tel_link_for_its_organiser_and_entrant(phones, headers):  # noqa: F811
    rid = created_relay(phones)
    _, clients, _, _ = phones
    submit(clients["甲"], f"/r/{rid}", f"/r/{rid}/entries", {"v-f1": "138 0000 0001", "v-f2": "高手"})
    link = '<a class="value-link" href="tel:13800000001">13800000001</a>'
    for who in ("群主", "甲"):
        page = clients[who].get(f"/r/{rid}", headers=headers).get_data(as_text=True)
        assert link in page, who
    other = clients["乙"].get(f"/r/{rid}", headers=headers).get_data(as_text=True)
    assert "tel:" not in other and "13800000001" not in other
    assert "高手" in other  # a choice stays plain text


@pytest.mark.parametrize("headers", [ZH, EN])
def test_a_member_cards_phone_is_a_tel_link_where_it_may_be_seen(make_cards, headers):  # noqa: F811
    world = make_cards()
    card = world.fill("甲", name="张三", phone="+86 138 0000 0002", company="星光小学")
    owner_view = world.owner.get(f"/c/{card['id']}", headers=headers).get_data(as_text=True)
    assert '<a class="value-link" href="tel:13800000002">13800000002</a>' in owner_view
    # The phone is private: another member sees neither the number nor a link to it.
    member_view = world.member("乙").get(f"/c/{card['id']}", headers=headers).get_data(as_text=True)
    assert "星光小学" in member_view
    assert "tel:" not in member_view and "13800000002" not in member_view
