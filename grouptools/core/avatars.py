"""A member's default avatar: the first character of their name, in white, on a colour
of their own. Drawn with core.render, so a Chinese or emoji initial comes out right."""
import hashlib
import io
from functools import lru_cache

from PIL import Image, ImageDraw

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


def avatar_image(seed, name, size=256):
    """A member without a picture, as a square Pillow image: the first character of their
    name on their colour — what every page and every drawn picture shows for them."""
    size = min(max(int(size), AVATAR_MIN_PX), AVATAR_MAX_PX)
    image = Image.new("RGB", (size, size), avatar_colour(seed))
    font_size = round(size * 0.5)
    height = line_height(font_size, bold=True)
    draw_text(image, (size / 2, (size - height) / 2), avatar_initial(name), font_size,
              WHITE, bold=True, align="center")
    return image


def paste_round_avatar(image, xy, seed, name, size):
    """Draw the member's avatar as a disc of `size` px with its top left at `xy`."""
    image.paste(avatar_image(seed, name, size), xy, _round_mask(size))


@lru_cache(maxsize=16)
def _round_mask(size):
    # Drawn four times larger and shrunk: a smooth edge.
    mask = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    return mask.resize((size, size), Image.Resampling.LANCZOS)


def default_avatar_png(seed, name, size=256):
    """A member without a picture: the first character of their name on their colour."""
    image = avatar_image(seed, name, size)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
