"""The share poster (core.posters): one layout for the group and every widget — the
group's name in the header, the kind, title, description, the kind's facts and pictures,
and a QR code that survives a chat app; Chinese in the SC face, emoji without boxes."""
import io

import pytest
from PIL import Image, ImageDraw

from grouptools.core import fonts, posters, render
from grouptools.core.palette import BRAND
from tests.core.test_share import LONG_URL, URL, png_bytes, zbar

DESCRIPTION = "本周六早上八点在香山公园东门集合，全程约十公里，预计下午三点结束。请穿舒适的运动鞋，自带午餐和饮用水。"


@pytest.fixture
def drawn_text(monkeypatch):
    """Every (text, font, size of the picture drawn on) Pillow draws while the test runs."""
    calls = []
    original = ImageDraw.ImageDraw.text

    def spy(self, xy, text, fill=None, font=None, *args, **kwargs):
        calls.append((text, font, self.im.size))
        return original(self, xy, text, fill, font, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    return calls


def on_poster(calls):
    """(text, font) drawn on a poster itself (emoji are drawn on pictures of their own)."""
    return [(text, font) for text, font, target in calls if target[0] == posters.POSTER_WIDTH]


def boxes_in(calls):
    """Characters drawn on the poster with a font that has no glyph for them: its
    missing-glyph box."""

    def pixels(font, char):
        image = Image.new("L", (font.size * 3, font.size * 3))
        ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
        return image.tobytes()

    return [char for text, font in on_poster(calls) for char in text
            if pixels(font, char) == pixels(font, fonts.MISSING_CODEPOINT)]


def picture(colour, size=(400, 300), fmt="PNG"):
    return png_bytes(Image.new("RGB", size, colour), fmt)


def content(group="群投票小组", title="周六香山徒步报名", description=DESCRIPTION, url=URL,
            kind="群投票", closed=False, facts=()):
    return posters.PosterContent(group, title, description, url, kind, closed, tuple(facts))


def draw(app, language, poster_content):
    with app.test_request_context(f"/?lang={language}"):
        return posters.draw_poster(poster_content)


def test_a_chinese_poster_is_drawn_with_the_sc_face_and_no_boxes(app, drawn_text, tmp_path):
    facts = [posters.PosterFact("还剩 3 个名额（共 8 个）"), posters.PosterFact("报名截止 12月5日周六 20:00")]
    poster = Image.open(io.BytesIO(draw(app, "zh_Hans", content(facts=facts))))
    assert (poster.format, poster.size) == ("PNG", (1080, 1440))
    faces = {text: font.getname() for text, font in on_poster(drawn_text)}
    assert faces["群投票小组"] == ("Noto Sans CJK SC", "Bold")
    assert faces["周六香山徒步报名"] == ("Noto Sans CJK SC", "Bold")
    assert faces["群投票"] == ("Noto Sans CJK SC", "Bold")  # the kind's chip
    assert any(face == ("Noto Sans CJK SC", "Regular") and text in DESCRIPTION
               for text, face in faces.items())
    assert "还剩 3 个名额（共 8 个）" in faces and "报名截止 12月5日周六 20:00" in faces
    assert boxes_in(drawn_text) == []
    # The caption is in the reader's language.
    assert "长按或扫一扫" in faces and "识别二维码打开" in faces


def test_the_group_name_pixels_differ_from_missing_glyph_boxes(app):
    name_area = (0, 0, 1080, posters.HEADER)
    chinese = Image.open(io.BytesIO(draw(app, "zh_Hans", content(description=""))))
    missing_name = fonts.MISSING_CODEPOINT * 5
    boxes = Image.open(io.BytesIO(draw(app, "zh_Hans", content(group=missing_name,
                                                                description=""))))
    assert chinese.crop(name_area).tobytes() != boxes.crop(name_area).tobytes()
    missing = fonts.missing_glyph_pixels(52, bold=True)
    assert all(fonts.glyph_pixels(char, 52, bold=True) != missing for char in "群投票小组")


def test_boxes_would_be_seen_if_a_font_lacked_the_characters(app, drawn_text, monkeypatch):
    # Guards the check above: pretend the CJK font has Thai, and the boxes show up.
    monkeypatch.setattr(render, "_has_main_glyph", lambda choice, char: True)
    draw(app, "en", content(group="กขค", title="Title", description="", kind=""))
    assert "ก" in boxes_in(drawn_text)


def test_a_group_name_with_an_emoji_has_no_box(app, drawn_text):
    poster = Image.open(io.BytesIO(draw(app, "en", content(group="周末爬山小分队🏔️", title="Hike",
                                                             description=""))))
    assert ("🏔️", "Noto Color Emoji") in [(text, font.getname()[0])
                                          for text, font, _ in drawn_text]
    assert boxes_in(drawn_text) == []
    header = poster.convert("RGB").crop((0, 0, 1080, posters.HEADER))
    colours = [p for p in header.get_flattened_data() if max(p) - min(p) > 40 and p != BRAND]
    assert len(colours) > 300  # the mountain, in colour


def test_an_english_poster_has_english_words_and_a_closed_chip(app, drawn_text):
    draw(app, "en", content("Book club", "Which book next?", "Vote before Friday.", kind="Poll",
                            closed=True))
    texts = [text for text, _ in on_poster(drawn_text)]
    assert "Poll" in texts and "Closed" in texts
    assert "Scan or long-press" in texts and "the QR code to open" in texts


def test_option_pictures_are_drawn_with_their_captions_and_the_rest_counted(app, drawn_text):
    colours = [(200, 40, 40), (40, 40, 200), (40, 160, 40), (160, 160, 40), (90, 20, 120)]
    facts = [posters.PosterFact(f"选项{i}", picture(colour), f"digest-{i}")
             for i, colour in enumerate(colours)]
    poster = Image.open(io.BytesIO(draw(app, "zh_Hans", content(facts=facts)))).convert("RGB")
    texts = [text for text, _ in on_poster(drawn_text)]
    assert ["选项0", "选项1", "选项2", "选项3"] == [t for t in texts if t.startswith("选项")]
    assert "+1" in texts  # the fifth picture, counted on the fourth
    found = {colour for colour in poster.get_flattened_data()}
    for colour in colours[:3]:
        assert colour in found
    assert colours[4] not in found


def test_a_picture_that_no_longer_decodes_leaves_an_empty_tile(app, tmp_path):
    facts = [posters.PosterFact("坏图", b"not a picture", "x"),
             posters.PosterFact("好图", picture((200, 40, 40), fmt="JPEG"), "y")]
    data = draw(app, "zh_Hans", content(facts=facts))
    assert zbar(data, tmp_path) == [URL]


def test_the_poster_qr_decodes(app, tmp_path):
    assert zbar(draw(app, "zh_Hans", content()), tmp_path) == [URL]


def test_the_poster_qr_still_decodes_after_a_chat_app_shrinks_and_recompresses_it(app, tmp_path):
    url = LONG_URL[:300]
    poster = Image.open(io.BytesIO(draw(app, "zh_Hans", content(url=url))))
    forwarded = poster.convert("RGB").resize((540, 720), Image.Resampling.BILINEAR)
    assert zbar(png_bytes(forwarded, "JPEG", quality=40), tmp_path, "forwarded.jpg") == [url]


def test_long_texts_and_many_facts_stay_inside_the_tallest_poster(app, tmp_path):
    long_title = "周末一起去香山徒步，顺便野餐和拍照，欢迎所有人报名参加" * 3
    facts = [posters.PosterFact("很长的一条说明" * 20) for _ in range(9)]
    facts += [posters.PosterFact("图" * 30, picture((200, 40, 40)), str(i)) for i in range(9)]
    data = draw(app, "en", content("群" * 80, long_title, DESCRIPTION * 10, facts=facts))
    assert zbar(data, tmp_path) == [URL]
    poster = Image.open(io.BytesIO(data)).convert("RGB")
    assert poster.width == 1080 and posters.HEIGHT_MIN < poster.height <= posters.HEIGHT_MAX
    # Nothing is drawn in the side margins.
    for box in ((0, posters.HEADER, 50, poster.height), (1030, posters.HEADER, 1080,
                                                          poster.height)):
        assert poster.crop(box).getextrema() == ((255, 255),) * 3


def test_the_etag_changes_with_every_part_and_with_the_language():
    base = content(facts=[posters.PosterFact("还剩 3 个名额")])
    tag = base.etag("zh_Hans")
    assert tag == content(facts=[posters.PosterFact("还剩 3 个名额")]).etag("zh_Hans")
    assert tag != base.etag("en")
    assert tag != content(facts=[posters.PosterFact("还剩 2 个名额")]).etag("zh_Hans")
    assert tag != content(closed=True, facts=base.facts).etag("zh_Hans")
    assert tag != content(kind="Poll", facts=base.facts).etag("zh_Hans")
    pictured = content(facts=[posters.PosterFact("A", b"1", "digest-1")])
    assert pictured.etag("en") != content(facts=[posters.PosterFact("A", b"1", "digest-2")]).etag("en")
