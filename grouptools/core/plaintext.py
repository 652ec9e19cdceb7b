"""People's plain text as pages show it: escaped like every user text, with its web
links made tappable (`{{ text|linkify }}`; line breaks are kept by CSS, `.prewrap`), and
phone numbers as tel: addresses a tap dials (`{{ number|tel_uri }}`, used by the
`field_value` macro of _macros.html); and how many rows a box needs to show a text to
copy whole (`{{ text|copy_rows }}`).

Jinja's `urlize` finds a link only between spaces, and Chinese text puts none around
it ("报名：https://…，截止周五"): here a link starts at http(s):// wherever it is and
ends at the first space, quote, angle bracket or full-width punctuation."""
import functools
import re
import unicodedata

from markupsafe import Markup, escape

LINK = re.compile(r"https?://[^\s<>\"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
                  r"\uff5b-\uff65]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the link ("见 https://a.cn/x.").
TRAILING = ".,;:!?)]}"


def _without_trailing(url):
    """The link without the sentence's closing punctuation; a ")" stays when the link
    opened one itself (https://zh.wikipedia.org/wiki/X_(Y))."""
    while url and url[-1] in TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def linkify(text):
    """Markup: `text` escaped, each http(s) link an <a> that opens without handing the
    page to the linked site (rel noopener) and without telling it where it came from."""
    if not text:
        return Markup("")
    parts, last = [], 0
    for match in LINK.finditer(text):
        url = _without_trailing(match.group(0))
        start, end = match.start(), match.start() + len(url)
        if len(url) <= len("https://"):
            continue
        parts.append(escape(text[last:start]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(url))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


TEL_DIGITS = re.compile(r"[0-9]")


def tel_uri(number):
    """`tel:+8613812345678` for a number as typed ("+86 138-1234 5678", "（021）6123 4567"),
    keeping only a leading plus and the digits; None when there is no number in it."""
    text = str(number or "").strip()
    digits = "".join(TEL_DIGITS.findall(text))
    if not digits:
        return None
    plus = "+" if text[:1] in ("+", "＋") else ""
    return f"tel:{plus}{digits}"


# How many half-width characters a line of a copy box holds on the narrowest phone
# (360 px, 15 px text); Chinese characters take two. A little short of the truth, so a box
# is rather a line too tall than a line too short.
COPY_COLUMNS = 32
COPY_ROWS_MIN = 3


def _columns(line):
    if line.isascii():
        return len(line)
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in line)


# A relay's chat text is the same on every view until the next entry: its rows are
# worked out once (measuring it took a relay page ~10 % of its time, character by character).
@functools.lru_cache(maxsize=256)
def copy_rows(text, columns=COPY_COLUMNS):
    """The rows a read-only box needs to show all of `text` on a phone, its long lines
    wrapped (`{{ text|copy_rows }}`): without JavaScript, and in browsers that cannot
    size a box to its content, the whole text still shows (docs/architecture.md)."""
    lines = (text or "").rstrip().split("\n")
    rows = sum(max(1, -(-_columns(line) // columns)) for line in lines)
    return max(rows, COPY_ROWS_MIN)


def init_app(app):
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["tel_uri"] = tel_uri
    app.jinja_env.filters["copy_rows"] = copy_rows
