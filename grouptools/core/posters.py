"""The share poster: one designed 1080×1440 layout for a group and for every widget —
the group's name in the header, the widget's kind and title, its description, the facts
its kind supplies (`WidgetKind.poster_facts`: places left, a deadline, option pictures)
and a QR code large enough to scan after a chat app has shrunk and recompressed it.

Whoever holds a poster holds all of it: draw only what a stranger may see
(docs/security.md#who-can-see-what)."""
import io
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from PIL import Image, ImageDraw, ImageOps

from grouptools.core import render
from grouptools.core.avatars import avatar_initial
from grouptools.core.i18n import current_language, gettext
from grouptools.core.palette import BRAND, BRAND_TINT, INK, INK_SOFT, MUTED, TRACK, WHITE
from grouptools.core.share import etag_for, qr_image, qr_payload, send_picture

POSTER_WIDTH, HEIGHT_MIN, HEIGHT_MAX = 1080, 1440, 1920
POSTER_SIZE = (POSTER_WIDTH, HEIGHT_MIN)  # a poster with room to spare
MARGIN = 80
HEADER = 200
CONTENT_TOP = HEADER + 56
CHIP_HEIGHT = 60
# The QR panel along the bottom: the code on the right, how to open it on the left.
# 420 px of 1080 still scans once a chat app has halved the picture and recompressed it.
PANEL_MARGIN, PANEL_PAD, QR_SIDE = 56, 28, 420
PANEL_HEIGHT = QR_SIDE + 2 * PANEL_PAD
BELOW_CONTENT = 48 + PANEL_HEIGHT + PANEL_MARGIN
# At most this many fact lines, description lines and pictures (the last picture says
# how many more there are).
FACT_LINES_MAX, DESCRIPTION_LINES_MAX, PICTURES_MAX = 4, 4, 4
PICTURE_GAP = 24
CACHE_SIZE = 64


@dataclass(frozen=True)
class PosterFact:
    """One thing a poster says about a widget: a short line ("3 places left of 8",
    "Confirm by Fri 20:00"), or a picture with its caption (a poll option).

    `picture` is image bytes (a stored thumbnail will do); `picture_key` names it in the
    poster's ETag (the image's digest), so a poster is redrawn when a picture changes."""

    text: str
    picture: bytes | None = None
    picture_key: str = ""


@dataclass(frozen=True)
class PosterContent:
    """Everything one poster shows, in the asker's language."""

    group_name: str
    title: str
    description: str
    url: str
    kind_label: str = ""  # "Poll", "接龙" … the chip above the title; empty for none
    closed: bool = False
    facts: tuple = ()  # PosterFact

    def etag(self, locale):
        facts = [part for fact in self.facts for part in (fact.text, fact.picture_key,
                                                           fact.picture is not None)]
        return etag_for("poster", self.group_name, self.title, self.description, self.url,
                        self.kind_label, self.closed, locale, len(self.facts), *facts)


def draw_poster(content):
    """PNG bytes of the poster of `content` (a PosterContent): 1080 wide, 1440 tall,
    taller (up to 1920, a phone screen's 9:16) when its facts and pictures need room."""
    width = POSTER_WIDTH
    text_px = width - 2 * MARGIN
    lines = [fact.text for fact in content.facts if fact.picture is None][:FACT_LINES_MAX]
    pictures = [fact for fact in content.facts if fact.picture is not None]
    chip_h = CHIP_HEIGHT + 28 if content.kind_label or content.closed else 0
    title_size, title_spacing = 66, 1.3
    title_lines = render.wrap_text(content.title or "", title_size, text_px, max_lines=3,
                                   bold=True)
    title_line = round(title_size * title_spacing)
    fact_size, fact_line = 38, 60
    facts_h = (24 + fact_line * len(lines)) if lines else 0
    thumb = (text_px - (PICTURES_MAX - 1) * PICTURE_GAP) // PICTURES_MAX
    pictures_h = (32 + thumb + 48) if pictures else 0
    text_size, text_spacing = 36, 1.5
    text_line = round(text_size * text_spacing)
    text_lines = []
    if content.description:
        text_lines = render.wrap_text(content.description, text_size, text_px,
                                      max_lines=DESCRIPTION_LINES_MAX)

    def used():
        text_h = 16 + text_line * len(text_lines) if text_lines else 0
        return chip_h + title_line * len(title_lines) + text_h + facts_h + pictures_h

    # What the text gives up when even the tallest poster is short of room.
    room_max = HEIGHT_MAX - CONTENT_TOP - BELOW_CONTENT
    while used() > room_max and len(text_lines) > 1:
        text_lines = render.wrap_text(content.description, text_size, text_px,
                                      max_lines=len(text_lines) - 1)
    if used() > room_max:
        title_lines = render.wrap_text(content.title or "", title_size, text_px, max_lines=2,
                                       bold=True)
    height = min(HEIGHT_MAX, max(HEIGHT_MIN, CONTENT_TOP + used() + BELOW_CONTENT))
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    _draw_header(image, draw, content.group_name)
    panel_top = height - PANEL_MARGIN - PANEL_HEIGHT
    room = panel_top - 48 - CONTENT_TOP
    y = CONTENT_TOP + max(0, (room - used()) // 2)

    if chip_h:
        _draw_chips(image, draw, y, content.kind_label, content.closed)
        y += chip_h
    y = render.draw_lines(image, (MARGIN, y), title_lines, title_size, INK, True, title_spacing)
    if text_lines:
        y = render.draw_lines(image, (MARGIN, y + 16), text_lines, text_size, MUTED, False,
                              text_spacing)
    if lines:
        y += 24
        for line in lines:
            _draw_fact_line(image, draw, y, line, fact_size, fact_line, text_px)
            y += fact_line
    if pictures:
        _draw_pictures(image, draw, y + 32, pictures, thumb)
    _draw_panel(image, draw, content.url, panel_top)

    out = io.BytesIO()
    # Level 1: a few kB larger than the default and twice as fast (bench/README.md).
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def _draw_header(image, draw, group_name):
    """The group, prominent: its initial on a white disc, then its name."""
    width = POSTER_WIDTH
    draw.rectangle((0, 0, width - 1, HEADER - 1), fill=BRAND)
    disc = 112
    disc_top = (HEADER - disc) // 2
    draw.ellipse((MARGIN, disc_top, MARGIN + disc, disc_top + disc), fill=WHITE)
    initial_size = 56
    render.draw_text(image, (MARGIN + disc / 2, disc_top + (disc - render.line_height(
        initial_size, True)) / 2), avatar_initial(group_name), initial_size, BRAND, bold=True,
        align="center")
    left = MARGIN + disc + 36
    size, spacing = 52, 1.28
    lines = render.wrap_text(group_name or "", size, width - MARGIN - left, max_lines=2,
                             bold=True)
    top = (HEADER - round(size * spacing) * len(lines)) / 2
    render.draw_lines(image, (left, top), lines, size, WHITE, True, spacing)


def _draw_chips(image, draw, top, kind_label, closed):
    """The widget's kind (and "Closed") as pills above the title."""
    x, height, size = MARGIN, CHIP_HEIGHT, 32
    for text, fill, ink in ((kind_label, BRAND_TINT, BRAND),
                            (gettext("Closed") if closed else "", TRACK, MUTED)):
        if not text:
            continue
        text_w = render.text_width(text, size, bold=True)
        draw.rounded_rectangle((x, top, x + text_w + 48, top + height), radius=height // 2,
                               fill=fill)
        render.draw_text(image, (x + 24, top), text, size, ink, bold=True, height=height)
        x += text_w + 48 + 16


def _draw_fact_line(image, draw, top, text, size, line_h, text_px):
    dot = 14
    dot_top = top + (line_h - dot) // 2
    draw.ellipse((MARGIN, dot_top, MARGIN + dot, dot_top + dot), fill=BRAND)
    left = MARGIN + dot + 22
    line = render.wrap_text(text, size, text_px - (left - MARGIN), max_lines=1)
    render.draw_text(image, (left, top), line[0] if line else "", size, INK_SOFT, height=line_h)


def _draw_pictures(image, draw, top, pictures, side):
    """Up to PICTURES_MAX square pictures with their captions; the last says how many
    more there are."""
    shown = pictures[:PICTURES_MAX]
    more = len(pictures) - len(shown)
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, side - 1, side - 1), radius=20, fill=255)
    for i, fact in enumerate(shown):
        left = MARGIN + i * (side + PICTURE_GAP)
        picture = _square(fact.picture, side)
        if picture is None:
            draw.rounded_rectangle((left, top, left + side, top + side), radius=20, fill=TRACK)
        else:
            image.paste(picture, (left, top), mask)
        if more and i == len(shown) - 1:
            shade = Image.new("RGB", (side, side), INK)
            image.paste(Image.blend(image.crop((left, top, left + side, top + side)), shade, 0.6),
                        (left, top), mask)
            render.draw_text(image, (left + side / 2, top + (side - 80) / 2), f"+{more}", 56,
                             WHITE, bold=True, align="center", height=80)
        caption = render.wrap_text(fact.text, 28, side, max_lines=1)
        render.draw_text(image, (left + side / 2, top + side + 8), caption[0] if caption else "",
                         28, INK_SOFT, align="center", height=40)


def _square(data, side):
    try:
        picture = Image.open(io.BytesIO(data))
        if picture.width * picture.height > 40_000_000:
            return None
        picture.draft("RGB", (side, side))  # JPEG: decode at a smaller scale
        picture = picture.convert("RGB")
    except Exception:  # a stored picture that no longer decodes: an empty tile instead
        return None
    return ImageOps.fit(picture, (side, side), Image.Resampling.BILINEAR)


def _draw_panel(image, draw, url, panel_top):
    """The QR code on the right of a tinted panel; on its left, how to open it and the
    address's host, so a reader sees where the code leads before scanning."""
    width = POSTER_WIDTH
    left, right = PANEL_MARGIN, width - PANEL_MARGIN
    draw.rounded_rectangle((left, panel_top, right, panel_top + PANEL_HEIGHT), radius=36,
                           fill=BRAND_TINT)
    code_left = right - PANEL_PAD - QR_SIDE
    draw.rounded_rectangle((code_left, panel_top + PANEL_PAD, code_left + QR_SIDE,
                            panel_top + PANEL_PAD + QR_SIDE), radius=20, fill=WHITE)
    code = qr_image(url, QR_SIDE - 8)
    image.paste(code, (code_left + (QR_SIDE - code.width) // 2,
                       panel_top + PANEL_PAD + (QR_SIDE - code.height) // 2))

    text_left = left + 44
    text_px = code_left - 36 - text_left
    caption_size, caption_spacing = 42, 1.35
    # Two lines of their own, where each language breaks them well.
    caption = render.wrap_text(gettext("Scan or long-press\nthe QR code to open"), caption_size,
                               text_px, max_lines=4, bold=True)
    host = urlsplit(qr_payload(url)).hostname or ""
    host_lines = render.wrap_text(host, 28, text_px, max_lines=2)
    block = round(caption_size * caption_spacing) * len(caption) + 24 + 40 * len(host_lines)
    y = panel_top + (PANEL_HEIGHT - block) // 2
    y = render.draw_lines(image, (text_left, y), caption, caption_size, INK, True,
                          caption_spacing)
    render.draw_lines(image, (text_left, y + 24), host_lines, 28, MUTED, False, 40 / 28)


# --- Serving -----------------------------------------------------------------------------

_drawn = OrderedDict()


def poster_response(content):
    """The poster in the asker's language (its caption and chips are translated), with
    its ETag; every reader of a group asks for the same picture, so it is kept by ETag."""
    return send_picture(*poster_content(content))


def poster_content(content):
    """(ETag, draw) of the poster of `content` in the asker's language."""
    etag = content.etag(current_language())
    return etag, lambda: _poster_png(etag, content)


def _poster_png(etag, content):
    if etag in _drawn:
        _drawn.move_to_end(etag)
        return _drawn[etag]
    data = draw_poster(content)
    _drawn[etag] = data
    while len(_drawn) > CACHE_SIZE:
        _drawn.popitem(last=False)
    return data
