"""Every QR code decodes (with zbar, as a phone would) back to its exact URL; the poster
writes Chinese with the SC face, emoji without boxes, and its QR survives a chat app."""
import io
import re
import subprocess
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from PIL import Image, ImageDraw

from grouptools.core import fonts, render, share

URL = "https://grouptools.example.org/g/k3x9Qa/poll/17"
CHINESE_URL = "https://grouptools.example.org/g/k3x9Qa/poll/17?q=周末爬山&from=群聊"
LONG_URL = "https://grouptools.example.org/g/k3x9Qa/relay/2?" + "&".join(
    f"field{i}=value-{i:04d}" for i in range(60)
)
SVG = "{http://www.w3.org/2000/svg}"


def zbar(image_bytes, tmp_path, name="code.png"):
    """What a phone's scanner reads: every QR code zbarimg finds, as text."""
    path = tmp_path / name
    path.write_bytes(image_bytes)
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8").splitlines()


def png_bytes(image, fmt="PNG", **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def read_modules(image):
    """The modules read back from the pixels, the quiet zone around them (in modules)
    and the size of a module in pixels."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    top = next(y for y in range(height) if any(pixels[x, y] < 128 for x in range(width)))
    row = [pixels[x, top] < 128 for x in range(width)]
    left = row.index(True)
    right = width - 1 - row[::-1].index(True)
    module = (row.index(False, left) - left) / 7  # a finder pattern is 7 modules wide
    count = round((right - left + 1) / module)
    modules = [
        [pixels[int(left + (c + 0.5) * module), int(top + (r + 0.5) * module)] < 128
         for c in range(count)]
        for r in range(count)
    ]
    quiet = min(left, top, width - 1 - right) / module
    return modules, quiet, module


def error_correction_level(modules):
    """The level written in the format information beside the top-left finder."""
    n = len(modules)
    cells = [(i, 8) for i in range(6)] + [(7, 8), (8, 8)] + [(n - 15 + i, 8) for i in range(8, 15)]
    bits = sum(modules[r][c] << i for i, (r, c) in enumerate(cells))
    return "MLHQ"[(bits ^ 0b101010000010010) >> 13]


# --- PNG ---------------------------------------------------------------------------------

def test_a_qr_png_decodes_to_the_exact_url(tmp_path):
    assert zbar(share.qr_png(URL), tmp_path) == [URL]


def test_a_url_with_chinese_query_text_decodes_to_the_same_address(tmp_path):
    decoded = zbar(share.qr_png(CHINESE_URL), tmp_path)
    # Percent-encoded, so every scanner reads the same bytes; it is the same address.
    assert decoded == ["https://grouptools.example.org/g/k3x9Qa/poll/17"
                       "?q=%E5%91%A8%E6%9C%AB%E7%88%AC%E5%B1%B1&from=%E7%BE%A4%E8%81%8A"]
    assert unquote(decoded[0]) == CHINESE_URL


def test_an_already_encoded_url_is_kept_exactly(tmp_path):
    url = "https://grouptools.example.org/g/a?q=%E7%BE%A4+x&n=1~2"
    assert zbar(share.qr_png(url), tmp_path) == [url]


@pytest.mark.parametrize("size", [512, 2048])
def test_a_long_url_decodes(tmp_path, size):
    assert len(LONG_URL) > 1000
    assert zbar(share.qr_png(LONG_URL, size), tmp_path) == [LONG_URL]


def test_error_correction_m_a_quiet_zone_of_four_and_never_micro_qr():
    image = Image.open(io.BytesIO(share.qr_png(URL, 600)))
    modules, quiet, _ = read_modules(image)
    assert error_correction_level(modules) == "M"
    assert quiet >= 4
    assert len(modules) >= 21 and (len(modules) - 17) % 4 == 0  # a full-size version


def test_a_logo_switches_to_error_correction_h_and_still_decodes(tmp_path):
    logo = png_bytes(Image.new("RGB", (300, 300), (10, 127, 85)))
    data = share.qr_png(URL, 800, logo=logo)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.getpixel((400, 400)) == (10, 127, 85)
    modules, _, _ = read_modules(image)
    assert error_correction_level(modules) == "H"
    assert zbar(data, tmp_path) == [URL]


@pytest.mark.parametrize("asked, low, high", [
    (1, 128, 200), (-5, 128, 200), (600, 560, 600), (10**7, 2000, 2048),
    ("big", 400, 512), (None, 400, 512),
])
def test_the_size_is_bounded(asked, low, high):
    image = Image.open(io.BytesIO(share.qr_png(URL, asked)))
    assert image.width == image.height
    assert low <= image.width <= high


@pytest.mark.parametrize("size", [128, 333, 500, 1000])
def test_every_module_is_a_whole_number_of_pixels(size):
    # Scaled by a fraction, modules come out 2 and 3 pixels wide and blur once a chat
    # app recompresses the picture.
    _, _, module_px = read_modules(Image.open(io.BytesIO(share.qr_png(URL, size))))
    assert module_px.is_integer() and module_px >= 3


# --- SVG ---------------------------------------------------------------------------------

def path_polygons(d):
    """Subpaths of an SVG path made of M/L/H/V/Z commands (absolute or relative)."""
    tokens = re.findall(r"[MmLlHhVvZz]|-?(?:\d+\.?\d*|\.\d+)", d)
    polygons, points, x, y, command, i = [], [], 0.0, 0.0, None, 0

    def number():
        nonlocal i
        i += 1
        return float(tokens[i - 1])

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
        relative = command.islower()
        if command in "Zz":
            if points:
                polygons.append(points)
                x, y = points[0]
                points = []
            continue
        if command in "Mm":
            if points:
                polygons.append(points)
            dx, dy = number(), number()
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            points = [(x, y)]
            command = "l" if relative else "L"  # further pairs draw lines
            continue
        if command in "Ll":
            dx, dy = number(), number()
            x, y = (x + dx, y + dy) if relative else (dx, dy)
        elif command in "Hh":
            x = x + number() if relative else number()
        elif command in "Vv":
            y = y + number() if relative else number()
        points.append((x, y))
    if points:
        polygons.append(points)
    return polygons


def rasterise_svg(svg, scale=10):
    root = ElementTree.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    image = Image.new("L", (int(width * scale), int(height * scale)), 0)
    draw = ImageDraw.Draw(image)
    for element in root.iter():
        fill = 255 if element.get("fill") in ("#fff", "#ffffff", "white") else 0
        if element.tag == f"{SVG}rect":
            w, h = float(element.get("width")), float(element.get("height"))
            x, y = float(element.get("x", 0)), float(element.get("y", 0))
            draw.rectangle((x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1),
                           fill=fill)
        elif element.tag == f"{SVG}path":
            for polygon in path_polygons(element.get("d")):
                draw.polygon([(px * scale, py * scale) for px, py in polygon], fill=fill)
    return image


@pytest.mark.parametrize("url", [URL, CHINESE_URL, LONG_URL])
def test_a_qr_svg_decodes_to_the_same_url_as_the_png(tmp_path, url):
    svg = share.qr_svg(url)
    image = rasterise_svg(svg, scale=6 if url is LONG_URL else 10)
    assert zbar(png_bytes(image), tmp_path) == zbar(share.qr_png(url), tmp_path, "png.png")


def test_the_svg_is_a_scalable_document_with_a_white_quiet_zone():
    root = ElementTree.fromstring(share.qr_svg(URL))
    assert root.tag == f"{SVG}svg"
    _, _, width, height = (int(v) for v in root.get("viewBox").split())
    modules = share.qr_modules(URL)
    assert width == height == len(modules)
    background = root.find(f"{SVG}rect")
    assert background.get("fill") == "#fff" and int(background.get("width")) == width
    starts = re.findall(r"M(\d+) (\d+)", root.find(f"{SVG}path").get("d"))
    assert min(int(v) for start in starts for v in start) >= 4


# --- Poster ------------------------------------------------------------------------------

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


def boxes_in(calls):
    """Characters drawn on the poster with a font that has no glyph for them: its
    missing-glyph box. (Emoji are drawn on pictures of their own, then pasted.)"""

    def pixels(font, char):
        image = Image.new("L", (font.size * 3, font.size * 3))
        ImageDraw.Draw(image).text((0, 0), char, font=font, fill=255)
        return image.tobytes()

    drawn = [(text, font) for text, font, target in calls if target == share.POSTER_SIZE]
    return [char for text, font in drawn for char in text
            if pixels(font, char) == pixels(font, fonts.MISSING_CODEPOINT)]


def draw_poster(app, language, *args):
    with app.test_request_context(f"/?lang={language}"):
        return share.draw_poster(*args)


DESCRIPTION = "本周六早上八点在香山公园东门集合，全程约十公里，预计下午三点结束。请穿舒适的运动鞋，自带午餐和饮用水。"


def test_a_chinese_poster_is_drawn_with_the_sc_face_and_no_boxes(app, drawn_text, tmp_path):
    data = draw_poster(app, "zh_Hans", "群投票小组", "周六香山徒步报名", DESCRIPTION, URL)
    poster = Image.open(io.BytesIO(data))
    assert (poster.format, poster.size) == ("PNG", (1080, 1440))
    calls = list(drawn_text)
    faces = {text: font.getname() for text, font, target in calls if target == share.POSTER_SIZE}
    assert faces["群投票小组"] == ("Noto Sans CJK SC", "Bold")
    assert faces["周六香山徒步报名"] == ("Noto Sans CJK SC", "Bold")
    assert any(face == ("Noto Sans CJK SC", "Regular") and text in DESCRIPTION
               for text, face in faces.items())
    assert boxes_in(calls) == []
    # The caption is in the reader's language.
    assert "扫码或长按识别二维码打开" in faces


def test_the_group_name_pixels_differ_from_missing_glyph_boxes(app):
    name_area = (0, 0, 1080, 190)
    chinese = Image.open(io.BytesIO(draw_poster(app, "zh_Hans", "群投票小组", "标题", "", URL)))
    missing_name = fonts.MISSING_CODEPOINT * 5
    boxes = Image.open(io.BytesIO(draw_poster(app, "zh_Hans", missing_name, "标题", "", URL)))
    assert chinese.crop(name_area).tobytes() != boxes.crop(name_area).tobytes()
    missing = fonts.missing_glyph_pixels(46, bold=True)
    assert all(fonts.glyph_pixels(char, 46, bold=True) != missing for char in "群投票小组")


def test_boxes_would_be_seen_if_a_font_lacked_the_characters(app, drawn_text, monkeypatch):
    # Guards the check above: pretend the CJK font has Thai, and the boxes show up.
    monkeypatch.setattr(render, "_has_main_glyph", lambda choice, char: True)
    draw_poster(app, "en", "กขค", "Title", "", URL)
    assert boxes_in(list(drawn_text)) == ["ก", "ข", "ค"]


def test_a_group_name_with_an_emoji_has_no_box(app, drawn_text):
    poster = Image.open(io.BytesIO(draw_poster(app, "en", "周末爬山小分队🏔️", "Hike", "", URL)))
    calls = list(drawn_text)
    assert ("🏔️", "Noto Color Emoji") in [(text, font.getname()[0]) for text, font, _ in calls]
    assert boxes_in(calls) == []
    header = poster.convert("RGB").crop((0, 0, 1080, 190))
    colours = [p for p in header.get_flattened_data() if max(p) - min(p) > 40 and p != share.BRAND]
    assert len(colours) > 300  # the mountain, in colour


def test_an_english_poster_has_an_english_caption(app, drawn_text):
    draw_poster(app, "en", "Book club", "Which book next?", "Vote before Friday.", URL)
    assert "Scan or long-press the QR code to open" in [text for text, _, _ in drawn_text]


def test_the_poster_qr_decodes(app, tmp_path):
    assert zbar(draw_poster(app, "zh_Hans", "群投票", "标题", DESCRIPTION, URL), tmp_path) == [URL]


def test_the_poster_qr_still_decodes_after_a_chat_app_shrinks_and_recompresses_it(app, tmp_path):
    url = LONG_URL[:300]
    poster = Image.open(io.BytesIO(draw_poster(app, "zh_Hans", "群投票", "标题", DESCRIPTION, url)))
    forwarded = poster.convert("RGB").resize((540, 720), Image.Resampling.BILINEAR)
    assert zbar(png_bytes(forwarded, "JPEG", quality=40), tmp_path, "forwarded.jpg") == [url]


def test_long_texts_stay_inside_the_poster(app, tmp_path):
    long_title = "周末一起去香山徒步，顺便野餐和拍照，欢迎所有人报名参加" * 3
    data = draw_poster(app, "en", "群" * 80, long_title, DESCRIPTION * 10, URL)
    assert zbar(data, tmp_path) == [URL]
    poster = Image.open(io.BytesIO(data)).convert("RGB")
    # Nothing is drawn in the side margins.
    for box in ((0, 190, 60, 1440), (1020, 190, 1080, 1440)):
        assert poster.crop(box).getextrema() == ((255, 255),) * 3


# --- ETag --------------------------------------------------------------------------------

def test_etags_are_stable_and_change_with_any_part():
    tag = share.etag_for("poster", "group-1", "群投票", 17)
    assert tag == share.etag_for("poster", "group-1", "群投票", 17)
    assert re.fullmatch(r"[0-9a-f]{64}", tag)
    assert tag != share.etag_for("poster", "group-1", "群投票", 18)
    assert share.etag_for("ab", "c") != share.etag_for("a", "bc")
    assert share.etag_for(b"\x00") != share.etag_for("\x00\x00")


def test_a_picture_is_drawn_once_for_every_asker_until_what_it_shows_changes(app):
    drawn = []

    def draw():
        drawn.append(1)
        return b"\x89PNG picture"

    with app.test_request_context("/p/x/qr.png"):
        first = share.send_picture(share.etag_for("test-picture", len(drawn)), draw)
        again = share.send_picture(share.etag_for("test-picture", 0), draw)
        changed = share.send_picture(share.etag_for("test-picture", "new title"), draw)
    assert first.get_data() == again.get_data() == changed.get_data() == b"\x89PNG picture"
    assert len(drawn) == 2  # once per content, not once per request


def test_the_drawn_pictures_keep_within_their_bytes_dropping_the_oldest():
    pictures = share.DrawnPictures(max_bytes=10)
    pictures.put("a", b"1234")
    pictures.put("b", b"5678")
    assert pictures.get("a") == b"1234"  # now the most recently used
    pictures.put("c", b"9012")
    assert pictures.get("b") is None and pictures.get("a") == b"1234"
    assert pictures.size <= 10
    pictures.put("huge", b"x" * 11)  # never kept: larger than the whole cache
    assert pictures.get("huge") is None
