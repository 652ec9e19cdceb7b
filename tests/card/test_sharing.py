"""A card outside the group: the contact QR code is the vCard itself and decodes, the
card picture draws Chinese and is cached, the page link's QR decodes to the page."""
import io

import vobject
from PIL import Image

from grouptools.core.fonts import can_draw_chinese
from tests.core.test_share import zbar


def test_contact_qr_decodes_to_a_valid_vcard_with_chinese(make_cards, tmp_path):
    world = make_cards()
    card = world.fill("甲", public=True, name="欧阳娜娜", phone="13812345678", company="北京星辰科技有限公司",
                      city="北京", intro="喜欢跑步和摄影，周末常在奥森。" * 3)
    nobody = world.owner.client.application.test_client()
    decoded = zbar(nobody.get(f"/c/{card['id']}/contact.png").data, tmp_path)
    parsed = vobject.readOne("\r\n".join(decoded) + "\r\n")
    assert parsed.fn.value == "欧阳娜娜" and parsed.org.value == ["北京星辰科技有限公司"]
    assert "tel" not in parsed.contents  # private in these settings


def test_a_long_card_still_fits_a_readable_code(make_cards, tmp_path):
    world = make_cards(settings={"fields": [
        {"key": "name", "required": True}, {"key": "company"}, {"key": "title"},
        {"key": "city"}, {"key": "intro"}, {"key": "school"}], "display_name_format": ""})
    long = "很长的介绍文字，" * 24
    card = world.fill("甲", public=True, name="张三", company="公" * 150, title="总" * 100,
                      city="上海", intro=long[:200], school="复旦大学")
    decoded = zbar(world.owner.get(f"/c/{card['id']}/contact.png").data, tmp_path)
    parsed = vobject.readOne("\r\n".join(decoded) + "\r\n")
    assert parsed.fn.value == "张三"


def test_card_picture_draws_chinese_and_is_cached(make_cards, tmp_path):
    assert can_draw_chinese()
    world = make_cards()
    card = world.fill("甲", public=True, name="张三", phone="13812345678", company="星辰科技")
    nobody = world.owner.client.application.test_client()
    picture = nobody.get(f"/c/{card['id']}/card.png")
    assert picture.status_code == 200
    image = Image.open(io.BytesIO(picture.data))
    assert image.size == (1200, 700)
    assert nobody.get(f"/c/{card['id']}/card.png", headers={
        "If-None-Match": picture.headers["ETag"]}).status_code == 304
    (tmp_path / "card.png").write_bytes(picture.data)
    decoded = zbar(picture.data, tmp_path, "picture.png")
    assert decoded and decoded[0] == "BEGIN:VCARD"


def test_page_qr_carries_the_cards_link(make_cards, tmp_path):
    world = make_cards()
    card = world.fill("甲", public=True, name="张三", phone="13812345678")
    nobody = world.owner.client.application.test_client()
    assert zbar(nobody.get(f"/c/{card['id']}/qr.png").data, tmp_path) == [card["url"]]
    page = nobody.get(f"/c/{card['id']}").get_data(as_text=True)
    assert "张三" in page and f'property="og:url" content="{card["url"]}"' in page
