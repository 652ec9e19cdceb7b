"""The results picture (/p/<pid>/results.png): title, one bar per option, counts and
percentages, drawn with core.render so Chinese comes out in Simplified Chinese forms;
on an open ballot, under each bar the avatars of its first voters (core.avatars: the
same colour and initial as on the pages). A secret ballot's picture has counts only:
nothing stored says who chose what."""
import io
from collections import OrderedDict
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from grouptools.core import render
from grouptools.core.avatars import paste_round_avatar
from grouptools.core.i18n import gettext, ngettext
from grouptools.core.palette import BRAND, INK, INK_SOFT, MUTED, OTHER_BAR, TRACK, WHITE

WIDTH = 1080
MARGIN = 64
THUMB = 132
AVATAR, AVATAR_GAP = 52, 10

_drawn = OrderedDict()
CACHE_SIZE = 32


@dataclass(frozen=True)
class Row:
    label: str
    votes: int
    percent: float
    winner: bool
    thumb: bytes | None = None
    voters: tuple = ()  # (avatar seed, name) of the first voters; empty on secret ballots
    voters_more: int = 0  # voters beyond those


def results_png(etag, group_name, title, status, rows):
    """PNG bytes, kept per ETag: every member of a group asks for the same picture."""
    if etag in _drawn:
        _drawn.move_to_end(etag)
        return _drawn[etag]
    data = draw_results(group_name, title, status, rows)
    _drawn[etag] = data
    while len(_drawn) > CACHE_SIZE:
        _drawn.popitem(last=False)
    return data


def _thumb(data):
    try:
        picture = Image.open(io.BytesIO(data))
        picture.load()
    except Exception:  # a stored picture that no longer decodes: draw the row without it
        return None
    return ImageOps.fit(picture.convert("RGB"), (THUMB, THUMB), Image.Resampling.LANCZOS)


def _layout(rows, text_px):
    """Each row's label lines and height, measured before the canvas is made."""
    laid = []
    for row in rows:
        room = text_px - (THUMB + 24 if row.thumb else 0)
        lines = render.wrap_text(row.label, 40, room, max_lines=2, bold=row.winner)
        label_h = round(40 * 1.35) * len(lines)
        height = max(label_h, THUMB - 56 if row.thumb else 0) + 16 + 30 + 44
        if row.voters:
            height += AVATAR + 4
        laid.append((row, lines, height))
    return laid


def _draw_voters(image, xy, row):
    """One line of avatars; what does not fit (or was not sent) is counted at its end."""
    x, top = xy
    more_w = render.text_width("+9999", 30, bold=True)
    room = WIDTH - MARGIN - x
    fits = max(1, int((room - more_w + AVATAR_GAP) // (AVATAR + AVATAR_GAP)))
    if len(row.voters) <= fits and not row.voters_more:
        fits = len(row.voters)
    shown = row.voters[:fits]
    for seed, name in shown:
        paste_round_avatar(image, (int(x), int(top)), seed, name, AVATAR)
        x += AVATAR + AVATAR_GAP
    more = len(row.voters) - len(shown) + row.voters_more
    if more:
        render.draw_text(image, (x + 4, top), f"+{more}", 30, MUTED, bold=True, height=AVATAR)


def draw_results(group_name, title, status, rows):
    text_px = WIDTH - 2 * MARGIN
    header = 120
    title_lines = render.wrap_text(title, 60, text_px, max_lines=3, bold=True)
    title_h = round(60 * 1.3) * len(title_lines)
    laid = _layout(rows, text_px)
    height = header + 56 + title_h + 16 + 52 + 40 + sum(h for _, _, h in laid) + 100
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)

    draw.rectangle((0, 0, WIDTH - 1, header - 1), fill=BRAND)
    name = render.wrap_text(group_name, 40, text_px, max_lines=1, bold=True)
    render.draw_lines(image, (MARGIN, (header - 52) / 2), name, 40, WHITE, True, 1.3)

    y = render.draw_lines(image, (MARGIN, header + 56), title_lines, 60, INK, True, 1.3)
    render.draw_text(image, (MARGIN, y + 16), status, 34, MUTED)
    y += 16 + 52 + 40

    for row, lines, row_h in laid:
        x = MARGIN
        if row.thumb:
            thumb = _thumb(row.thumb)
            if thumb is not None:
                mask = Image.new("L", thumb.size, 0)
                ImageDraw.Draw(mask).rounded_rectangle((0, 0, THUMB - 1, THUMB - 1), 16, fill=255)
                image.paste(thumb, (MARGIN, y), mask)
            x = MARGIN + THUMB + 24
        colour = INK if row.winner else INK_SOFT
        label_bottom = render.draw_lines(image, (x, y), lines, 40, colour, row.winner, 1.35)
        bar_top = max(label_bottom, y + (THUMB - 56 if row.thumb else 0)) + 16
        count = ngettext("%(num)d vote", "%(num)d votes", row.votes) + f" · {row.percent:g}%"
        count_w = render.text_width(count, 32, bold=row.winner)
        track_right = WIDTH - MARGIN - count_w - 24
        draw.rounded_rectangle((x, bar_top, track_right, bar_top + 30), radius=15, fill=TRACK)
        filled = x + (track_right - x) * min(max(row.percent, 0), 100) / 100
        if filled - x >= 30:
            draw.rounded_rectangle((x, bar_top, filled, bar_top + 30), radius=15,
                                   fill=BRAND if row.winner else OTHER_BAR)
        elif row.votes:
            draw.ellipse((x, bar_top, x + 30, bar_top + 30), fill=BRAND if row.winner else OTHER_BAR)
        render.draw_text(image, (WIDTH - MARGIN, bar_top - 6), count, 32,
                         BRAND if row.winner else MUTED, bold=row.winner, align="right",
                         height=42)
        if row.voters:
            _draw_voters(image, (x, bar_top + 30 + 20), row)
        y += row_h

    draw.line((MARGIN, height - 84, WIDTH - MARGIN, height - 84), fill=TRACK, width=2)
    render.draw_text(image, (WIDTH / 2, height - 66), gettext("Made with grouptools"), 28,
                     MUTED, align="center")
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()
