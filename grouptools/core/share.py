"""The pictures a link is shared with: QR codes (PNG and SVG) and the ETag that lets
browsers and chat apps keep them (the phone-sized poster: core.posters)."""
import hashlib
import io
from collections import OrderedDict

import qrcode
from flask import current_app, request
from PIL import Image, ImageDraw
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from werkzeug.http import quote_etag
from werkzeug.urls import iri_to_uri

from grouptools.core.conditional import app_build
from grouptools.core.i18n import current_language
from grouptools.core.palette import WHITE

QR_MIN_PX, QR_MAX_PX = 128, 2048
QR_DEFAULT_PX = 512
# The quiet zone the QR standard asks for; scanners fail on codes cropped tighter.
QR_BORDER_MODULES = 4
# A logo may hide at most this share of the code's width (H recovers 30 % of the data;
# 22 % of the width is about 5 % of its area, far inside that).
QR_LOGO_SHARE = 0.22

# Bump when any drawing changes, so every cached picture gets a new ETag.
PICTURES_VERSION = "2"

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


# --- Serving: what every shareable page's /qr.png, /qr.svg and /poster.png answer --------

SHARE_CACHE_CONTROL = "public, max-age=600"


class Recent:
    """What this worker met lately, key → value, the least recently used forgotten first
    once the values' weights (`weigh`: a value's bytes, or 1 to count them) pass `most`.
    A value heavier than the whole is never kept."""

    def __init__(self, most, weigh=len):
        self.most, self.weigh = most, weigh
        self.size = 0
        self.kept = OrderedDict()

    def get(self, key):
        value = self.kept.get(key)
        if value is not None:
            self.kept.move_to_end(key)
        return value

    def put(self, key, value):
        weight = self.weigh(value)
        if weight > self.most:
            return
        if key in self.kept:
            self.size -= self.weigh(self.kept.pop(key))
        self.kept[key] = value
        self.size += weight
        while self.size > self.most:
            _, dropped = self.kept.popitem(last=False)
            self.size -= self.weigh(dropped)


# The pictures this worker drew lately, by ETag (which is keyed by everything a picture
# shows): the next asker gets the same bytes without drawing them again.
DRAWN = Recent(16 * 1024 * 1024)


def send_picture(etag, draw, mimetype="image/png", cache_control=SHARE_CACHE_CONTROL):
    """Answer a drawn picture with its ETag: a 304 without drawing when the asker has it,
    the bytes drawn for an earlier asker when this worker still has them (the caller has
    decided who may see the picture before it gets here)."""
    if request.if_none_match.contains(etag):
        return _picture_answer(etag, None, mimetype, cache_control)
    data = DRAWN.get(etag)
    if data is None:
        data = draw()
        DRAWN.put(etag, data)
    return _picture_answer(etag, data, mimetype, cache_control)


def _picture_answer(etag, data, mimetype, cache_control):
    # The headers in one list, not set one by one (each `vary.add` parses Vary again).
    headers = [("ETag", quote_etag(etag)), ("Cache-Control", cache_control),
               ("Vary", "Accept-Language, Cookie")]
    if data is None:
        response = current_app.response_class(status=304, headers=headers)
        del response.headers["Content-Type"]  # no body, no type (RFC 9110, 15.4.5)
        return response
    return current_app.response_class(data, mimetype=mimetype, headers=headers)


# What a picture's ETag was the last time its key was met (a key is a small tuple).
KEYS = Recent(16384, weigh=lambda etag: 1)


def send_keyed_picture(key, content, mimetype="image/png", cache_control=SHARE_CACHE_CONTROL,
                       worded=True):
    """A picture whose ETag costs several statements to work out (it is a digest of
    everything the picture shows), answered from `key` when this worker has met it: a
    304, or the bytes kept by ETag, with nothing more read or drawn.

    `key` is what the route read in one light statement, after deciding that the asker
    may see the picture: the few columns that move whenever anything the picture shows
    does (a widget's and its group's `version`, core.conditional). The language, the
    address (the links a picture carries, `?size=`) and the app's build are added here.
    `content()` → (etag, draw): the full work, asked when the key is new to this worker
    or its bytes are no longer kept. The ETag stays the digest of what is shown, so a
    version that moved without changing the picture (a vote, for a poll's poster) keeps
    it, and nothing is drawn again (docs/architecture.md#speed). `worded=False`: the
    picture has no words (a QR code), so the language is not asked."""
    environ = request.environ  # as asked: the links a picture carries are built from these
    key = (*key, current_language() if worded else None, app_build(), environ.get("QUERY_STRING"),
           environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
           environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME"))
    etag = KEYS.get(key)
    if etag is not None:
        if request.if_none_match.contains(etag):
            return _picture_answer(etag, None, mimetype, cache_control)
        data = DRAWN.get(etag)
        if data is not None:
            return _picture_answer(etag, data, mimetype, cache_control)
    etag, draw = content()
    KEYS.put(key, etag)
    return send_picture(etag, draw, mimetype, cache_control)


def qr_png_response(url, cache_control=SHARE_CACHE_CONTROL):
    return send_picture(*qr_png_content(url), cache_control=cache_control)


def qr_png_content(url):
    """(ETag, draw) of the QR code of `url` at the `?size=` asked."""
    size = clamp_qr_size(request.args.get("size", QR_DEFAULT_PX))
    return etag_for("qr.png", url, size), lambda: qr_png(url, size)


def qr_svg_response(url, cache_control=SHARE_CACHE_CONTROL):
    return send_picture(etag_for("qr.svg", url), lambda: qr_svg(url), "image/svg+xml",
                        cache_control=cache_control)
