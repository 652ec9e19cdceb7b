"""Text on generated pictures: runs split between the CJK font and the emoji font, line
wrapping for Chinese and English, drawing. Which fonts are used is decided in
core.fonts; a member's default avatar (core.avatars) is drawn with these."""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw, ImageFont, features

from grouptools.core import fonts
from grouptools.core.fonts import find_cjk_font, find_emoji_font, font_has_glyph, load_font

# What a character no font has becomes: a question mark reads as "unknown", a box as a bug.
PLACEHOLDER = "?"
# Line breaking (a small part of UAX #14 and the Chinese rules): these never start a line…
NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕〗〙〛｝］…—～·ー々,.;:?!)]}%’”")
# …and these never end one.
NO_LINE_END = frozenset("（「『《〈【〔〖〘〚｛［‘“([{")
ELLIPSIS = "…"
ZWJ = "\u200d"


@dataclass(frozen=True)
class TextRun:
    """Consecutive characters drawn with one font; emoji runs are scaled by `scale`."""

    text: str
    font: ImageFont.FreeTypeFont
    emoji: bool = False
    scale: float = 1.0
    stroke: int = 0


# --- Splitting text into characters and runs ---------------------------------------------

def _extends_cluster(char):
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me")  # combining marks, variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag sequences (subdivision flags)
    )


def _is_regional_indicator(char):
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def graphemes(text):
    """What a reader sees as one character, one after another: a base with its marks, an
    emoji sequence joined by ZWJ, a flag. A close-enough subset of UAX #29 for names and
    titles."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if _is_regional_indicator(text[i]) and j < n and _is_regional_indicator(text[j]):
            j += 1
        while j < n:
            if _extends_cluster(text[j]):
                j += 1
            elif text[j] == ZWJ:
                j += 2 if j + 1 < n else 1
            else:
                break
        yield text[i:j]
        i = j


def split_graphemes(text):
    """Every grapheme of `text` (see `graphemes`)."""
    return list(graphemes(text))


def _asks_for_emoji(cluster):
    if ord(cluster[0]) >= 0x1F000 or _is_regional_indicator(cluster[0]):
        return True
    return any(c in ("\ufe0f", ZWJ, "\u20e3") or 0x1F3FB <= ord(c) <= 0x1F3FF for c in cluster[1:])


def _without_variation_selectors(cluster):
    # A text font draws a stray selector as a visible box; its job is only to choose
    # between emoji and text presentation.
    return "".join(c for c in cluster if not 0xFE00 <= ord(c) <= 0xFE0F)


def _emoji_scale(emoji_font, size):
    # The emoji's full height (ascent + descent) becomes one em of the text.
    ascent, descent = emoji_font.getmetrics()
    return size / (ascent + descent)


def text_runs(text, size, bold=False):
    """Split one line into runs for the CJK font and the emoji font. Characters no font
    has become PLACEHOLDER; invisible controls are dropped."""
    main_choice = find_cjk_font(bold)
    main_font = fonts._open_font(main_choice, size)
    # No bold face installed: thicken the regular one.
    fake_bold = bold and main_choice is not None and not main_choice.is_bold
    stroke = max(1, round(size / 36)) if fake_bold else 0
    emoji_choice = find_emoji_font()
    runs = []

    def add(piece, emoji):
        if runs and runs[-1].emoji == emoji:
            last = runs[-1]
            runs[-1] = TextRun(last.text + piece, last.font, last.emoji, last.scale, last.stroke)
        elif emoji:
            font = fonts._open_font(emoji_choice, size)
            runs.append(TextRun(piece, font, True, _emoji_scale(font, size)))
        else:
            runs.append(TextRun(piece, main_font, False, 1.0, stroke))

    for cluster in split_graphemes(text.replace("\n", " ").replace("\t", " ")):
        base = cluster[0]
        if unicodedata.category(base) in ("Cc", "Cf", "Mn", "Me"):
            continue
        if _asks_for_emoji(cluster) and _has_emoji_glyph(emoji_choice, base):
            add(cluster, True)
        elif _has_main_glyph(main_choice, base):
            add(_without_variation_selectors(cluster), False)
        elif _has_emoji_glyph(emoji_choice, base):
            add(cluster, True)
        else:
            add(PLACEHOLDER, False)
    return runs


def _has_emoji_glyph(choice, char):
    return choice is not None and font_has_glyph(choice, char)


def _has_main_glyph(choice, char):
    if choice is None:
        return char.isascii()
    return font_has_glyph(choice, char)


def _layout_options():
    # Raqm picks the font's Simplified Chinese forms for the text's language; Pillow's
    # basic layout (no libraqm) refuses the option.
    return {"language": "zh-Hans"} if features.check_feature("raqm") else {}


def text_width(text, size, bold=False):
    """Width in pixels of one line of `text` as draw_text draws it."""
    return sum(_run_width(run) for run in text_runs(text, size, bold))


def _run_width(run):
    if run.emoji:
        return run.font.getlength(run.text) * run.scale
    return run.font.getlength(run.text, **_layout_options()) + 2 * run.stroke


def line_height(size, bold=False):
    ascent, descent = load_font(size, bold).getmetrics()
    return ascent + descent


# --- Drawing -----------------------------------------------------------------------------

def draw_text(image, xy, text, size, fill, bold=False, align="left", height=None):
    """Draw one line whose box has its top at xy[1] and is `height` tall (the font's line
    height by default); xy[0] is its left, centre or right edge per `align`.

    Returns the width drawn."""
    runs = text_runs(text, size, bold)
    widths = [_run_width(run) for run in runs]
    total = sum(widths)
    x, top = xy
    if align == "center":
        x -= total / 2
    elif align == "right":
        x -= total
    ascent, descent = load_font(size, bold).getmetrics()
    height = height or ascent + descent
    # Half-leading, as browsers do: the font's ascent+descent box centred in the line.
    baseline = top + (height - ascent - descent) / 2 + ascent
    draw = ImageDraw.Draw(image)
    for run, width in zip(runs, widths):
        if run.emoji:
            _paste_emoji(image, run, x, baseline, fill)
        else:
            draw.text((x + run.stroke, baseline), run.text, font=run.font, fill=fill,
                      anchor="ls", stroke_width=run.stroke, **_layout_options())
        x += width
    return total


def _paste_emoji(image, run, x, baseline, fill):
    picture, ascent = _emoji_picture(run.font, run.text, run.scale, _rgb(fill))
    position = (round(x), round(baseline - ascent))
    if image.mode == "RGBA":
        image.alpha_composite(picture, position)
    else:
        image.paste(picture, position, picture)


@lru_cache(maxsize=256)
def _emoji_picture(font, text, scale, fill):
    ascent, descent = font.getmetrics()
    width = max(1, math.ceil(font.getlength(text)))
    picture = Image.new("RGBA", (width, ascent + descent))
    ImageDraw.Draw(picture).text((0, ascent), text, font=font, fill=fill, anchor="ls",
                                 embedded_color=True)
    size = (max(1, round(width * scale)), max(1, round((ascent + descent) * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS), ascent * scale


def forget_fonts():
    """Forget every font found and loaded, and the emoji drawn with them."""
    fonts.forget_fonts()
    _emoji_picture.cache_clear()


def _rgb(fill):
    if isinstance(fill, str):
        return ImageColor.getrgb(fill)[:3]
    if isinstance(fill, int):
        return (fill, fill, fill)
    return tuple(fill[:3])


# --- Wrapping ----------------------------------------------------------------------------

def _breaks_anywhere(char):
    """Chinese, Japanese, Korean and emoji: a line may break before or after each one."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFFEF
        or 0x2600 <= code <= 0x27BF or 0x1F000 <= code <= 0x1FAFF or 0x20000 <= code <= 0x3FFFF
    )


def _line_units(text):
    """Pieces a line may break between: a Latin word, one Chinese character with the
    punctuation that must stay with it, " " for a space and "\\n" for a hard break."""
    units, word, opening = [], "", ""

    def end_word():
        nonlocal word
        if word:
            units.append(word)
            word = ""

    for cluster in split_graphemes(text.replace("\r\n", "\n")):
        char = cluster[0]
        if cluster == "\n":
            end_word()
            if opening:
                units.append(opening)
                opening = ""
            units.append("\n")
        elif char.isspace():
            end_word()
            if units and units[-1] not in (" ", "\n") and not opening:
                units.append(" ")
        elif char in NO_LINE_START and not opening and (
            word or (units and units[-1] not in (" ", "\n"))
        ):
            if word:
                word += cluster
            else:
                units[-1] += cluster
        elif char in NO_LINE_END:
            end_word()
            opening += cluster
        elif _breaks_anywhere(char):
            end_word()
            units.append(opening + cluster)
            opening = ""
        else:
            word += opening + cluster
            opening = ""
    end_word()
    if opening:
        units.append(opening)
    return units


def wrap_text(text, size, max_width, max_lines=None, bold=False):
    """Lines of at most `max_width` px: Chinese breaks between characters (never before
    closing punctuation), English at spaces, an overlong word or URL anywhere. When the
    text goes on past `max_lines`, the last line is filled and ends with an ellipsis."""
    widths = {}

    def width(piece):
        if piece not in widths:
            widths[piece] = text_width(piece, size, bold)
        return widths[piece]

    pieces = []
    for unit in _line_units(text.strip()):
        if unit not in (" ", "\n") and width(unit) > max_width:
            pieces += _split_to_width(unit, max_width, width)
        else:
            pieces.append(unit)

    lines, current, current_width, start = [], [], 0.0, 0
    for i, piece in enumerate(pieces):
        breaks = piece == "\n" or (
            piece != " " and current and current_width + width(piece) > max_width
        )
        if breaks:
            if max_lines and len(lines) == max_lines - 1:
                rest = "".join(pieces[start:]).replace("\n", " ")
                return lines + [_fit_with_ellipsis(rest, max_width, width)]
            lines.append("".join(current).rstrip())
            current, current_width, start = [], 0.0, i + 1 if piece == "\n" else i
            if piece == "\n":
                continue
        if piece == " " and not current:
            continue  # a line never starts with a space
        current.append(piece)
        current_width += width(piece)
    if current or not lines:
        lines.append("".join(current).rstrip())
    return lines


def _split_to_width(unit, max_width, width):
    """An overlong word or URL, cut between characters."""
    pieces, piece = [], ""
    for cluster in split_graphemes(unit):
        if piece and width(piece + cluster) > max_width:
            pieces.append(piece)
            piece = ""
        piece += cluster
    if piece:
        pieces.append(piece)
    return pieces


def _fit_with_ellipsis(text, max_width, width):
    kept = ""
    for cluster in split_graphemes(text.strip()):
        if width(kept + cluster + ELLIPSIS) > max_width:
            if _inside_word(kept[-1:], cluster) and " " in kept:
                kept = kept.rsplit(" ", 1)[0]  # English: end on a whole word
            break
        kept += cluster
    kept = kept.rstrip(" ，、,;；：:")
    # Chinese fonts centre "…" for Chinese text; after English it looks misplaced.
    return kept + ("..." if kept[-1:].isascii() and kept else ELLIPSIS)


def _inside_word(before, after):
    return all(c and not c.isspace() and not _breaks_anywhere(c[0]) for c in (before, after))


def draw_paragraph(image, xy, text, size, max_width, fill, max_lines=None, bold=False,
                   line_spacing=1.45, align="left"):
    """Wrap and draw `text`; returns the y just below its last line."""
    lines = wrap_text(text, size, max_width, max_lines, bold)
    return draw_lines(image, xy, lines, size, fill, bold, line_spacing, align)


def draw_lines(image, xy, lines, size, fill, bold=False, line_spacing=1.45, align="left"):
    """Draw lines already wrapped; returns the y just below the last one."""
    x, y = xy
    height = round(size * line_spacing)
    for line in lines:
        draw_text(image, (x, y), line, size, fill, bold=bold, align=align, height=height)
        y += height
    return y
