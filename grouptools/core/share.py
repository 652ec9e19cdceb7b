"""The pictures a link is shared with: QR codes (PNG and SVG), the phone-sized poster,
and the ETag that lets browsers and chat apps keep them."""
import functools
import hashlib
import io
from collections import OrderedDict
from urllib.parse import urlsplit

import qrcode
from flask import current_app, request
from flask_babel import get_locale, gettext
from PIL import Image, ImageDraw
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from werkzeug.urls import iri_to_uri

from grouptools.core import render
from grouptools.core.palette import BRAND, BRAND_TINT, INK, MUTED, WHITE

QR_MIN_PX, QR_MAX_PX = 128, 2048
QR_DEFAULT_PX = 512
# The quiet zone the QR standard asks for; scanners fail on codes cropped tighter.
QR_BORDER_MODULES = 4
# A logo may hide at most this share of the code's width (H recovers 30 % of the data;
# 22 % of the width is about 5 % of its area, far inside that).
QR_LOGO_SHARE = 0.22

# Bump when any drawing changes, so every cached picture gets a new ETag.
PICTURES_VERSION = "1"

POSTER_SIZE = (1080, 1440)


def clamp_qr_size(size_px):
    """A requested `?size=` within what is worth drawing and safe to draw."""
    try:
        size_px = int(size_px)
    except (TypeError, ValueError):
        return QR_DEFAULT_PX
    return min(max(size_px, QR_MIN_PX), QR_MAX_PX)


def qr_payload(url):
    """The bytes put in the code. qrcode writes no ECI header, and zbar (like some phone
    scanners) then reads raw UTF-8 as Shift JIS; percent-encoded URLs read the same
    everywhere, so a URL with Chinese in it is encoded as its ASCII form."""
    return url if url.isascii() else iri_to_uri(url)


def qr_modules(url, error_correction=ERROR_CORRECT_M):
    """The code's modules, quiet zone included, as rows of booleans (True = dark).

    qrcode only ever makes full-size codes (never Micro QR); the smallest version
    that holds the URL is chosen."""
    return data_modules(qr_payload(url), error_correction)


def data_modules(data, error_correction=ERROR_CORRECT_M):
    """The modules of a code carrying `data` (text goes in as UTF-8 bytes) — a vCard a
    phone's camera imports, rather than a link; ValueError when it cannot fit in any
    QR version."""
    code = qrcode.QRCode(error_correction=error_correction, border=QR_BORDER_MODULES)
    code.add_data(data)
    try:
        code.make(fit=True)
    except DataOverflowError as error:
        raise ValueError("too much data for a QR code") from error
    return code.get_matrix()


def qr_image(url, size_px=QR_DEFAULT_PX, logo=None):
    """The QR code as a square Pillow image of about `size_px` (clamped): every module
    the same whole number of pixels, the remainder added to the quiet zone."""
    modules = qr_modules(url, ERROR_CORRECT_H if logo is not None else ERROR_CORRECT_M)
    return modules_image(modules, size_px, logo)


def modules_image(modules, size_px=QR_DEFAULT_PX, logo=None):
    """A code's modules (qr_modules, data_modules) drawn as qr_image describes."""
    size_px = clamp_qr_size(size_px)
    count = len(modules)
    # The longest URLs need more modules than QR_MIN_PX: one pixel each, then.
    module_px = max(1, size_px // count)
    pixels = bytes(0 if dark else 255 for row in modules for dark in row)
    code = Image.frombytes("L", (count, count), pixels)
    code = code.resize((count * module_px,) * 2, Image.Resampling.NEAREST)
    side = max(size_px, code.width)
    if logo is None:
        image = Image.new("L", (side, side), 255)
    else:
        image = Image.new("RGB", (side, side), WHITE)
    offset = (side - code.width) // 2
    image.paste(code, (offset, offset))
    if logo is not None:
        _overlay_logo(image, logo, code.width)
    return image


def _overlay_logo(image, logo, code_px):
    if isinstance(logo, (bytes, bytearray)):
        logo = Image.open(io.BytesIO(logo))
    logo = logo.convert("RGBA")
    box = int(code_px * QR_LOGO_SHARE)
    pad = max(2, box // 12)
    logo.thumbnail((box - 2 * pad, box - 2 * pad), Image.Resampling.LANCZOS)
    left = (image.width - box) // 2
    top = (image.height - box) // 2
    ImageDraw.Draw(image).rounded_rectangle(
        (left, top, left + box - 1, top + box - 1), radius=box // 8, fill=WHITE
    )
    image.paste(logo, (left + (box - logo.width) // 2, top + (box - logo.height) // 2), logo)


def qr_png(url, size_px=QR_DEFAULT_PX, logo=None):
    """PNG bytes of the QR code for `url`; `logo` (an image or its bytes) is set in the
    middle, with error correction H so the code still reads."""
    return image_png(qr_image(url, size_px, logo))


def image_png(image):
    """PNG bytes of a drawn code: a code without a logo as a 1-bit picture."""
    if image.mode == "L":
        image = image.convert("1", dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def qr_svg(url):
    """SVG bytes of the QR code: one path in a viewBox of modules, so it scales sharply."""
    modules = qr_modules(url)
    count = len(modules)
    path = []
    for y, row in enumerate(modules):
        x = 0
        while x < count:
            if row[x]:
                run = 1
                while x + run < count and row[x + run]:
                    run += 1
                path.append(f"M{x} {y}h{run}v1h-{run}z")
                x += run
            else:
                x += 1
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {count} {count}" '
        f'width="{count * 8}" height="{count * 8}" shape-rendering="crispEdges">'
        f'<rect width="{count}" height="{count}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(path)}"/></svg>'
    )
    return svg.encode("ascii")


def etag_for(*parts):
    """The ETag of a picture drawn from `parts` (ids, texts, sizes, update times): the
    same parts give the same picture, so a browser or chat app may keep it."""
    digest = hashlib.sha256(PICTURES_VERSION.encode())
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        # Length first, so ("ab", "c") and ("a", "bc") differ.
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def draw_poster(group_name, title, description, url):
    """PNG bytes of a 1080×1440 poster: group, title, description and a QR code large
    enough to scan after a chat app has shrunk and recompressed the picture.

    Pass only what a stranger may see: whoever holds the poster holds all of it."""
    width, height = POSTER_SIZE
    margin, header = 80, 190
    text_px = width - 2 * margin
    image = Image.new("RGB", POSTER_SIZE, WHITE)
    draw = ImageDraw.Draw(image)

    draw.rectangle((0, 0, width - 1, header - 1), fill=BRAND)
    name_lines = render.wrap_text(group_name or "", 46, text_px, max_lines=2, bold=True)
    name_spacing = 1.3
    name_top = (header - round(46 * name_spacing) * len(name_lines)) / 2
    render.draw_lines(image, (margin, name_top), name_lines, 46, WHITE, True, name_spacing)

    # The QR panel is fixed at the bottom; title and description share what is above it,
    # the title first, and sit in the middle of that space when they are short.
    panel_side = 600
    panel_top = height - 90 - 76 - panel_side
    room_top, room_bottom = header + 60, panel_top - 50
    title_size, title_spacing = 68, 1.32
    title_lines = render.wrap_text(title or "", title_size, text_px, max_lines=3, bold=True)
    title_height = round(title_size * title_spacing) * len(title_lines)
    text_size, text_spacing, text_gap = 38, 1.55, 20
    text_line = round(text_size * text_spacing)
    text_room = (room_bottom - room_top - title_height - text_gap) // text_line
    text_lines = []
    if description and text_room > 0:
        text_lines = render.wrap_text(description, text_size, text_px, max_lines=text_room)
    used = title_height + (text_gap + text_line * len(text_lines) if text_lines else 0)
    y = room_top + max(0, (room_bottom - room_top - used) // 2)
    y = render.draw_lines(image, (margin, y), title_lines, title_size, INK, True, title_spacing)
    render.draw_lines(image, (margin, y + text_gap), text_lines, text_size, MUTED, False,
                      text_spacing)

    panel_left = (width - panel_side) // 2
    draw.rounded_rectangle((panel_left, panel_top, panel_left + panel_side, panel_top + panel_side),
                           radius=36, fill=BRAND_TINT)
    code = qr_image(url, panel_side - 56)
    image.paste(code, (panel_left + (panel_side - code.width) // 2,
                       panel_top + (panel_side - code.height) // 2))

    caption_top = panel_top + panel_side + 28
    caption = gettext("Scan or long-press the QR code to open")
    render.draw_text(image, (width / 2, caption_top), caption, 36, INK, bold=True, align="center")
    # The address's host, so a reader can see where the code leads before scanning.
    host = urlsplit(qr_payload(url)).hostname or ""
    render.draw_text(image, (width / 2, caption_top + 62), host, 28, MUTED, align="center")

    out = io.BytesIO()
    # Level 1: a few kB larger than the default and twice as fast (bench/README.md).
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


# --- Serving: what every shareable page's /qr.png, /qr.svg and /poster.png answer --------

SHARE_CACHE_CONTROL = "public, max-age=600"


class DrawnPictures:
    """The pictures this worker drew lately, by ETag (which is keyed by everything a
    picture shows): the next asker gets the same bytes without drawing them again.
    Bounded in bytes; the least recently used go first."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self.pictures = OrderedDict()

    def get(self, etag):
        data = self.pictures.get(etag)
        if data is not None:
            self.pictures.move_to_end(etag)
        return data

    def put(self, etag, data):
        if len(data) > self.max_bytes or etag in self.pictures:
            return
        self.pictures[etag] = data
        self.size += len(data)
        while self.size > self.max_bytes:
            _, dropped = self.pictures.popitem(last=False)
            self.size -= len(dropped)


DRAWN = DrawnPictures(max_bytes=16 * 1024 * 1024)


def send_picture(etag, draw, mimetype="image/png", cache_control=SHARE_CACHE_CONTROL):
    """Answer a drawn picture with its ETag: a 304 without drawing when the asker has it,
    the bytes drawn for an earlier asker when this worker still has them (the caller has
    decided who may see the picture before it gets here)."""
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        data = DRAWN.get(etag)
        if data is None:
            data = draw()
            DRAWN.put(etag, data)
        response = current_app.response_class(data, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def qr_png_response(url, cache_control=SHARE_CACHE_CONTROL):
    size = clamp_qr_size(request.args.get("size", QR_DEFAULT_PX))
    return send_picture(etag_for("qr.png", url, size), lambda: qr_png(url, size),
                        cache_control=cache_control)


def qr_svg_response(url, cache_control=SHARE_CACHE_CONTROL):
    return send_picture(etag_for("qr.svg", url), lambda: qr_svg(url), "image/svg+xml",
                        cache_control=cache_control)


def poster_response(group_name, title, description, url):
    """The poster in the asker's language (its caption is translated)."""
    locale = str(get_locale())
    etag = etag_for("poster", group_name, title, description, url, locale)
    return send_picture(etag, lambda: _poster_png(group_name, title, description, url, locale))


@functools.lru_cache(maxsize=64)
def _poster_png(group_name, title, description, url, locale):
    # `locale` is part of the cache key only: draw_poster translates through the request.
    return draw_poster(group_name, title, description, url)
