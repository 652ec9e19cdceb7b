"""Every QR code decodes (with zbar, as a phone would) back to its exact URL (the poster:
tests/core/test_posters.py)."""
import io
import re
import subprocess
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from PIL import Image, ImageDraw

from grouptools.core import share

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
    pictures = share.Recent(10)
    pictures.put("a", b"1234")
    pictures.put("b", b"5678")
    assert pictures.get("a") == b"1234"  # now the most recently used
    pictures.put("c", b"9012")
    assert pictures.get("b") is None and pictures.get("a") == b"1234"
    assert pictures.size <= 10
    pictures.put("huge", b"x" * 11)  # never kept: larger than the whole cache
    assert pictures.get("huge") is None
