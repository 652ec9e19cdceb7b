"""Text on generated pictures: a font that writes Simplified Chinese, an emoji fallback,
line wrapping for Chinese and English, and the default avatar of a member."""
from __future__ import annotations

import hashlib
import io
import math
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, has_app_context
from PIL import Image, ImageColor, ImageDraw, ImageFont, features

# A noncharacter: no font maps it, so every font draws its missing-glyph box for it.
MISSING_CODEPOINT = "\U0010ffff"
# What a character no font has becomes: a question mark reads as "unknown", a box as a bug.
PLACEHOLDER = "?"
CHINESE_SAMPLE = "群投票"
EMOJI_SAMPLE = "\U0001f600"

# Where distributions install a CJK font, for machines without fontconfig.
# `{weight}` is "Regular" or "Bold"; files without it serve both (bold is then faked).
KNOWN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",  # Debian, Ubuntu
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc",  # Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-{weight}.ttc",  # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-{weight}.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
KNOWN_EMOJI_FONTS = (
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",  # Debian, Ubuntu
    "/usr/share/fonts/noto/NotoColorEmoji.ttf",  # Arch
    "/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",  # Fedora
    "/System/Library/Fonts/Apple Color Emoji.ttc",
    "C:/Windows/Fonts/seguiemj.ttf",
)
# Colour emoji fonts are often bitmaps that open only at their strike size (Noto Color
# Emoji: 109 px, Apple: 160 px …); emoji are drawn at that size and scaled.
EMOJI_STRIKE_SIZES = (109, 160, 96, 64, 136, 128, 72, 48, 40, 32, 20)

_SIMPLIFIED_FACE = re.compile(r"\b(SC|CN|GB|Hans|Simplified)\b")
_BOLD_STYLE = re.compile(r"bold|semibold|heavy|black", re.IGNORECASE)

# Line breaking (a small part of UAX #14 and the Chinese rules): these never start a line…
NO_LINE_START = frozenset("，。、；：？！）」』》〉】〕〗〙〛｝］…—～·ー々,.;:?!)]}%’”")
# …and these never end one.
NO_LINE_END = frozenset("（「『《〈【〔〖〘〚｛［‘“([{")
ELLIPSIS = "…"
ZWJ = "\u200d"


@dataclass(frozen=True)
class FontFile:
    """One face of one font file, and how it was found (the doctor reports both)."""

    path: str
    index: int
    family: str
    style: str
    source: str
    # Bitmap emoji fonts open only at this size; scalable fonts are loaded at it too.
    strike_size: int | None = None

    @property
    def face(self):
        return f"{self.family} {self.style}".strip()

    @property
    def is_bold(self):
        return bool(_BOLD_STYLE.search(self.style))

    @property
    def names_simplified_chinese(self):
        """The face says it is the Simplified Chinese one (SC, CN, GB, Hans)."""
        return bool(_SIMPLIFIED_FACE.search(self.family))


@dataclass(frozen=True)
class TextRun:
    """Consecutive characters drawn with one font; emoji runs are scaled by `scale`."""

    text: str
    font: ImageFont.FreeTypeFont
    emoji: bool = False
    scale: float = 1.0
    stroke: int = 0


# --- Finding fonts -----------------------------------------------------------------------

def font_setting():
    """GROUPTOOLS_FONT: `path` or `path:index`; read from the app when there is one."""
    if has_app_context():
        return current_app.config.get("FONT") or None
    return os.environ.get("GROUPTOOLS_FONT") or None


def find_cjk_font(bold=False):
    """The face generated pictures write Chinese with, or None when the machine has none."""
    return _find_cjk_font(font_setting(), bold)


@lru_cache(maxsize=8)
def _find_cjk_font(setting, bold):
    if setting:
        path, index = _parse_font_setting(setting)
        for candidate in _bold_siblings(path) if bold else [path]:
            # The operator chose this font: use it even if it cannot write Chinese,
            # so that the doctor says so instead of quietly using another.
            choice = _choose_face(candidate, index, bold, "GROUPTOOLS_FONT")
            if choice and (not bold or choice.is_bold or candidate == path):
                return choice
    for path, index, source in _discovered_cjk_fonts(bold):
        choice = _choose_face(path, index, bold, source)
        if choice and _writes_chinese(choice):
            return choice
    return None


def _parse_font_setting(setting):
    path, sep, index = setting.rpartition(":")
    if sep and path and index.isdigit():
        return path, int(index)
    return setting, None


def _bold_siblings(path):
    """Bold first where the file names its weight (NotoSansCJK-Regular → -Bold)."""
    siblings = [path.replace(regular, bold)
                for regular, bold in (("Regular", "Bold"), ("regular", "bold")) if regular in path]
    return [p for p in siblings if os.path.exists(p)] + [path]


def _discovered_cjk_fonts(bold):
    regular = _fontconfig_match(":lang=zh-cn")
    if bold and regular:
        # Same family as the regular face, so bold and regular text match.
        family = _choose_face(regular[0], regular[1], False, "fontconfig")
        if family:
            match = _fontconfig_match(f"{family.family}:weight=bold:lang=zh-cn")
            if match:
                yield match[0], match[1], "fontconfig"
    if regular:
        yield regular[0], regular[1], "fontconfig"
    for pattern in KNOWN_CJK_FONTS:
        for weight in ("Bold", "Regular") if bold else ("Regular",):
            path = pattern.format(weight=weight)
            if os.path.exists(path):
                yield path, None, "known path"


def _fontconfig_match(pattern):
    try:
        result = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", pattern],
            capture_output=True, text=True, timeout=10, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = result.stdout.strip().rpartition(":")
    if not path or not index.isdigit() or not os.path.exists(path):
        return None
    return path, int(index)


@lru_cache(maxsize=32)
def font_faces(path):
    """Every (index, family, style) in a font file; a collection (.ttc) holds several."""
    faces = []
    for index in range(64):
        try:
            font = ImageFont.truetype(path, 16, index=index)
        except OSError:
            break  # past the last face (or not a scalable font at all)
        family, style = font.getname()
        faces.append((index, family or "", style or ""))
    return tuple(faces)


def _choose_face(path, hint, bold, source):
    """The Simplified Chinese face of a collection, by its name: Debian's NotoSansCJK
    holds JP, KR, SC, TC and HK faces, and index 0 draws Japanese glyph forms."""
    faces = font_faces(path)
    if not faces:
        return None

    def preference(face):
        index, family, style = face
        weight_matches = bool(_BOLD_STYLE.search(style)) == bold
        return (bool(_SIMPLIFIED_FACE.search(family)), "Mono" not in family,
                weight_matches, index == hint)

    if hint is not None and source == "GROUPTOOLS_FONT":
        chosen = next((f for f in faces if f[0] == hint), None)
    else:
        chosen = max(faces, key=preference)
    if chosen is None:
        return None
    index, family, style = chosen
    return FontFile(path, index, family, style, source)


def _writes_chinese(choice):
    return all(font_has_glyph(choice, char) for char in CHINESE_SAMPLE)


@lru_cache(maxsize=1)
def find_emoji_font():
    """A colour emoji font (any font that draws emoji will do), or None."""
    candidates = []
    match = _fontconfig_match("emoji")
    if match:
        candidates.append((match[0], match[1], "fontconfig"))
    candidates += [(path, 0, "known path") for path in KNOWN_EMOJI_FONTS if os.path.exists(path)]
    for path, index, source in candidates:
        for size in EMOJI_STRIKE_SIZES:
            try:
                font = ImageFont.truetype(path, size, index=index)
            except OSError:
                continue
            family, style = font.getname()
            choice = FontFile(path, index, family or "", style or "", source, strike_size=size)
            if font_has_glyph(choice, EMOJI_SAMPLE):
                return choice
            break  # it opened, so the size was not the problem: it has no emoji
    return None


# --- Loading fonts and checking glyphs ----------------------------------------------------

def load_font(size, bold=False):
    """The CJK font at `size` px (Pillow's small Latin font when the machine has none)."""
    return _open_font(find_cjk_font(bold), size)


@lru_cache(maxsize=128)
def _open_font(choice, size):
    if choice is None:
        return ImageFont.load_default(size)
    if choice.strike_size:
        size = choice.strike_size
    return ImageFont.truetype(choice.path, size, index=choice.index)


@lru_cache(maxsize=8192)
def font_has_glyph(choice, char):
    """Whether the font draws `char` as something other than its missing-glyph box.

    Pillow does not expose a font's character map, so compare the drawings (their
    bounding boxes first: when those differ, so do the drawings)."""
    font = _open_font(choice, 16)
    missing_box, missing_pixels = _missing_glyph(choice)
    return font.getbbox(char) != missing_box or _glyph_pixels(font, char) != missing_pixels


@lru_cache(maxsize=16)
def _missing_glyph(choice):
    font = _open_font(choice, 16)
    return font.getbbox(MISSING_CODEPOINT), _glyph_pixels(font, MISSING_CODEPOINT)


def forget_fonts():
    """Forget every font found and loaded (tests; a font installed while running)."""
    for cached in (_find_cjk_font, font_faces, find_emoji_font, _open_font, font_has_glyph,
                   _missing_glyph, _emoji_picture):
        cached.cache_clear()


def _glyph_pixels(font, text):
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (max(right, 1) + 2, max(bottom, 1) + 2))
    ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
    return image.size, image.tobytes()


def missing_glyph_pixels(size=48, bold=False):
    """How the CJK font draws a character it lacks: what correct text must not look like."""
    return _glyph_pixels(load_font(size, bold), MISSING_CODEPOINT)


def glyph_pixels(text, size=48, bold=False):
    """How the CJK font alone (no fallback) draws `text`."""
    return _glyph_pixels(load_font(size, bold), text)


def can_draw_chinese(size=48, bold=False):
    """Whether the CJK font draws each character of CHINESE_SAMPLE as something other
    than its missing-glyph box (what the doctor checks)."""
    missing = missing_glyph_pixels(size, bold)
    return all(glyph_pixels(char, size, bold) != missing for char in CHINESE_SAMPLE)


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


def split_graphemes(text):
    """What a reader sees as one character: a base with its marks, an emoji sequence
    joined by ZWJ, a flag. A close-enough subset of UAX #29 for names and titles."""
    clusters = []
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
        clusters.append(text[i:j])
        i = j
    return clusters


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
    main_font = _open_font(main_choice, size)
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
            font = _open_font(emoji_choice, size)
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


# --- Avatars -----------------------------------------------------------------------------

# Colours that white text reads well on (WCAG contrast ≥ 4.5:1), told apart at a glance.
AVATAR_COLOURS = (
    (0xB9, 0x1C, 0x1C), (0xC2, 0x41, 0x0C), (0xA1, 0x62, 0x07), (0x4D, 0x7C, 0x0F),
    (0x15, 0x80, 0x3D), (0x0F, 0x76, 0x6E), (0x0E, 0x74, 0x90), (0x03, 0x69, 0xA1),
    (0x1D, 0x4E, 0xD8), (0x43, 0x38, 0xCA), (0x7E, 0x22, 0xCE), (0xA2, 0x1C, 0xAF),
    (0xBE, 0x18, 0x5D), (0x4B, 0x55, 0x63),
)
AVATAR_MIN_PX, AVATAR_MAX_PX = 16, 1024


def avatar_colour(seed):
    """The same member always gets the same colour, whichever server draws it."""
    digest = hashlib.sha256(str(seed).encode("utf-8")).digest()
    return AVATAR_COLOURS[int.from_bytes(digest[:4], "big") % len(AVATAR_COLOURS)]


def avatar_initial(name):
    clusters = split_graphemes((name or "").strip())
    if not clusters:
        return PLACEHOLDER
    return clusters[0][0].upper() + clusters[0][1:]


def default_avatar_png(seed, name, size=256):
    """A member without a picture: the first character of their name on their colour."""
    size = min(max(int(size), AVATAR_MIN_PX), AVATAR_MAX_PX)
    image = Image.new("RGB", (size, size), avatar_colour(seed))
    font_size = round(size * 0.5)
    height = line_height(font_size, bold=True)
    draw_text(image, (size / 2, (size - height) / 2), avatar_initial(name), font_size,
              (255, 255, 255), bold=True, align="center")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
