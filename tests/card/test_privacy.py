"""Private values reach only managers and the card's owner: pages, JSON, vCards,
pictures and exports, for every other reader."""
import io

import vobject
from PIL import Image

from tests.core.test_share import zbar

SECRET_PHONE, SECRET_WECHAT = "13812345678", "zs_private_88"


def _world(make_cards):
    world = make_cards(members=("甲", "乙"))
    card = world.fill("甲", public=True, name="张三", phone=SECRET_PHONE, company="星辰科技",
                      wechat=SECRET_WECHAT)
    return world, card


def _leaks(text):
    return SECRET_PHONE in text or SECRET_WECHAT in text or "+86138" in text


def test_members_and_strangers_never_receive_private_values(make_cards, user, tmp_path):
    world, card = _world(make_cards)
    cid = card["id"]
    nobody = world.owner.client.application.test_client()
    for reader in (world.member("乙"), user("路人"), None):
        get = reader.get if reader else nobody.get
        for path in (f"/c/{cid}", f"/api/v1/cards/{cid}", f"/api/v1/cards/{cid}.vcf",
                     f"/c/{cid}/qr.svg"):
            answer = get(path)
            assert answer.status_code == 200, path
            assert not _leaks(answer.get_data(as_text=True)), (reader, path)
        contact = get(f"/c/{cid}/contact.png")
        assert not _leaks("\n".join(zbar(contact.data, tmp_path)))
        picture = get(f"/c/{cid}/card.png")
        assert picture.status_code == 200 and picture.mimetype == "image/png"
    member = world.member("乙")
    assert not _leaks(world.folder(member).get_data(as_text=True))
    assert not _leaks(member.get(f"/g/{world.gid}/cards").get_data(as_text=True))
    assert member.get(f"{world.base}/cards/export.csv").status_code == 403
    assert member.get(f"{world.base}/cards/export.vcf").status_code == 403


def test_the_owner_and_managers_see_everything(make_cards):
    world, card = _world(make_cards)
    for reader in (world.member("甲"), world.owner):
        shown = reader.get(f"/api/v1/cards/{card['id']}").get_json()["values"]
        assert shown["phone"] == SECRET_PHONE and shown["wechat"] == SECRET_WECHAT
        assert SECRET_WECHAT in reader.get(f"/c/{card['id']}").get_data(as_text=True)
    assert SECRET_PHONE in world.owner.get(f"{world.base}/cards/export.csv").get_data(as_text=True)
    every = world.owner.get(f"{world.base}/cards/export.vcf").get_data(as_text=True)
    assert "+8613812345678" in every


def test_the_card_picture_is_the_same_for_its_owner_and_a_stranger(make_cards, user):
    """The picture is made to be passed on: it never carries a private value, whoever
    asks for it."""
    world, card = _world(make_cards)
    owners = world.member("甲").get(f"/c/{card['id']}/card.png")
    strangers = user("路人").get(f"/c/{card['id']}/card.png")
    assert Image.open(io.BytesIO(owners.data)).tobytes() == \
        Image.open(io.BytesIO(strangers.data)).tobytes()


def test_vcards_parse_back_to_the_fields(make_cards):
    world, card = _world(make_cards)
    mine = world.member("甲").get(f"/api/v1/cards/{card['id']}.vcf")
    assert mine.mimetype == "text/vcard"
    parsed = vobject.readOne(mine.get_data(as_text=True))
    assert parsed.version.value == "3.0"
    assert parsed.fn.value == "张三" and parsed.org.value == ["星辰科技"]
    assert parsed.tel.value == "+8613812345678"
    assert SECRET_WECHAT in parsed.note.value
    theirs = vobject.readOne(world.member("乙").get(f"/api/v1/cards/{card['id']}.vcf")
                             .get_data(as_text=True))
    assert theirs.fn.value == "张三" and "tel" not in theirs.contents
    assert "note" not in theirs.contents


def test_the_vcards_note_names_fields_in_the_readers_language(make_cards):
    world, card = _world(make_cards)
    notes = {}
    for language in ("zh-CN", "en"):
        answer = world.member("甲").get(f"/api/v1/cards/{card['id']}.vcf",
                                        headers={"Accept-Language": language})
        notes[language] = vobject.readOne(answer.get_data(as_text=True)).note.value
    assert "：" in notes["zh-CN"] and ": " not in notes["zh-CN"]
    assert ": " in notes["en"] and "：" not in notes["en"]
