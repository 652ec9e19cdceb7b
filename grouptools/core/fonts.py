"""Fonts for generated pictures: a face that writes Simplified Chinese (the SC face of a
collection, never its Japanese one), an emoji fallback, and checks that glyphs really
draw. Found through GROUPTOOLS_FONT, then fontconfig, then known paths."""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, has_app_context
from PIL import Image, ImageDraw, ImageFont

from grouptools.config import value as config_value

# A noncharacter: no font maps it, so every font draws its missing-glyph box for it.
MISSING_CODEPOINT = "\U0010ffff"
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


# --- Finding fonts -----------------------------------------------------------------------

def font_setting():
    """GROUPTOOLS_FONT: `path` or `path:index`; read from the app when there is one."""
    if has_app_context():
        return current_app.config.get("FONT") or None
    return config_value("GROUPTOOLS_FONT") or None


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


def _open_font(choice, size):
    if choice is not None and choice.strike_size:
        size = choice.strike_size  # one face whatever size the emoji are drawn at
    return _open_face(choice, size)


# Each face open costs a worker about 4 MB (FreeType maps the file once per face and
# keeps its tables; a CJK font's are large), and Pillow opens one per size. Opening one
# again costs under half a millisecond, so only the few sizes last used are kept: a poster
# uses 11 and draws as fast with 6 kept, and a worker that drew every kind of picture
# peaks about 30 MB lower than with 16 kept (bench/README.md, "Footprints").
FACES_KEPT = 6


@lru_cache(maxsize=FACES_KEPT)
def _open_face(choice, size):
    if choice is None:
        return ImageFont.load_default(size)
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
    for cached in (_find_cjk_font, font_faces, find_emoji_font, _open_face, font_has_glyph,
                   _missing_glyph):
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
