"""Names, nicknames, titles and options as people see them: without the invisible
characters that make a name look empty or read backwards.

Zero-width spaces, control characters and bidi overrides (U+200B–U+200F, U+202A–U+202E,
U+2066–U+2069, U+FEFF …: Unicode's "format" and "control" categories) are taken out,
line breaks and other spaces become one plain space, and the text is normalised to NFC
— in that order, before any length rule counts characters. What is left must hold at
least one character that draws something: two zero-width spaces, or a Hangul filler
(a favourite "blank" nickname), are not a name and would show as an empty "@" in a
reminder. The zero-width joiner stays between two visible characters, where it glues
an emoji sequence (👨‍👩‍👧) together."""
import re
import unicodedata

ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_NON_JOINER = "\u200c"
# Letters that draw nothing: filler characters used to fake an empty name.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
SPACES = re.compile(r"\s+")


def _invisible(char):
    category = unicodedata.category(char)
    return (category[0] in "CZ" or category in ("Mn", "Me") or char in BLANK_LETTERS
            or char.isspace())


def _dropped(char):
    """Control and format characters; surrogates and private use are left to the
    fields that refuse them with their own message."""
    return unicodedata.category(char) in ("Cc", "Cf") and not char.isspace()


def clean_visible_text(value, one_line=True):
    """`value` without control, zero-width and bidi characters, trimmed and normalised
    to NFC; `one_line`: its line breaks and runs of spaces become one space (a name), else
    they stay as typed (a member card's introduction). A joiner between two visible
    characters stays."""
    kept = []
    for index, char in enumerate(value):
        if char in (ZERO_WIDTH_JOINER, ZERO_WIDTH_NON_JOINER):
            before = value[index - 1] if index else ""
            after = value[index + 1] if index + 1 < len(value) else ""
            if before and after and not _invisible(before) and not _invisible(after):
                kept.append(char)
            continue
        if _dropped(char):
            continue
        kept.append(char)
    text = "".join(kept)
    text = (SPACES.sub(" ", text) if one_line else text).strip()
    return unicodedata.normalize("NFC", text)


def has_visible_character(text):
    """Whether `text` draws at least one character a reader can see."""
    return any(not _invisible(char) for char in text)
