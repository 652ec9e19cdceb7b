"""A member's default avatar: the first character of their name, in white, on a colour
of their own. Drawn with core.render, so a Chinese or emoji initial comes out right."""
import hashlib
import io

from PIL import Image

from grouptools.core.palette import AVATAR_COLOURS, WHITE
from grouptools.core.render import PLACEHOLDER, draw_text, line_height, split_graphemes

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
              WHITE, bold=True, align="center")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
