"""One avatar per person, everywhere: decided here, from the person, by `avatar_of`.

A person's avatar is their photo if they uploaded one (on "Me"), otherwise the first
character of their name in white on a colour of their own. The colour comes from their
public id and the initial from their name (not a group's nickname), so the same person
looks the same on every page — the templates' `avatar` macro — and in every picture the
app draws (results, certificates, card pictures: `avatar_image`). Initials are drawn
with core.render, so a Chinese or emoji initial comes out right."""
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageDraw, ImageOps
from sqlalchemy import select

from grouptools.core.models import Image, Person
from grouptools.core.palette import AVATAR_COLOURS, WHITE
from grouptools.core.render import PLACEHOLDER, draw_text, graphemes, line_height
from grouptools.extensions import db

AVATAR_MIN_PX, AVATAR_MAX_PX = 16, 1024


@dataclass(frozen=True)
class Avatar:
    """What every page and picture draws for one person: `colour` indexes
    AVATAR_COLOURS (the page's CSS class `avatar-c<colour>`), `photo_id` is the public
    id of their photo, or None."""

    seed: str
    initial: str
    colour: int
    photo_id: str | None = None

    @property
    def rgb(self):
        return AVATAR_COLOURS[self.colour]


@lru_cache(maxsize=4096)
def colour_index(seed):
    """The same person always gets the same colour, whichever server draws it."""
    digest = hashlib.sha256(str(seed).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % len(AVATAR_COLOURS)


def avatar_colour(seed):
    return AVATAR_COLOURS[colour_index(seed)]


def avatar_initial(name):
    first = next(graphemes((name or "").strip()), None)
    if first is None:
        return PLACEHOLDER
    return first[0].upper() + first[1:]


@lru_cache(maxsize=4096)
def person_avatar(public_id, name, photo_id=None):
    """A person's avatar from their columns alone (public id, name, photo's public id),
    for lists read as plain rows; `avatar_of` for whole objects. Kept for the last 4,096
    people asked about: a page of voters asks for the same people again and again."""
    return Avatar(public_id, avatar_initial(name), colour_index(public_id), photo_id)


def avatar_of(who):
    """The avatar of a Person, of a Membership's person (a group nickname changes
    neither colour nor initial), or of a Group (its own colour and initial, no photo).
    A light row that carries its person's `avatar` (poll/results.py's Voter) gives that."""
    if isinstance(who, Avatar):
        return who
    if isinstance(getattr(who, "avatar", None), Avatar):  # rows read without whole objects
        return who.avatar
    person = who if isinstance(who, Person) else getattr(who, "person", None)
    if isinstance(person, Person):
        return person_avatar(person.public_id, person.name, person.avatar_image_public_id)
    return Avatar(who.public_id, avatar_initial(who.name), colour_index(who.public_id))


def _initials_image(avatar, size):
    image = PILImage.new("RGB", (size, size), avatar.rgb)
    font_size = round(size * 0.5)
    height = line_height(font_size, bold=True)
    draw_text(image, (size / 2, (size - height) / 2), avatar.initial, font_size,
              WHITE, bold=True, align="center")
    return image


def _photo_image(photo_id, size):
    data = db.session.scalar(select(Image.data).where(Image.public_id == photo_id))
    if data is None:  # deleted meanwhile: the initials stand in
        return None
    with PILImage.open(io.BytesIO(data)) as photo:
        photo = photo.convert("RGB")
    return ImageOps.fit(photo, (size, size), PILImage.Resampling.LANCZOS)


def avatar_image(who, size=256):
    """The person's avatar as a square RGB picture `size` pixels wide: their photo
    (cropped to the middle square) or their initial on their colour."""
    avatar = avatar_of(who)
    size = min(max(int(size), AVATAR_MIN_PX), AVATAR_MAX_PX)
    if avatar.photo_id is not None:
        photo = _photo_image(avatar.photo_id, size)
        if photo is not None:
            return photo
    return _initials_image(avatar, size)


def avatar_png(who, size=256):
    out = io.BytesIO()
    avatar_image(who, size).save(out, "PNG")
    return out.getvalue()


def paste_round_avatar(image, xy, seed, name, size):
    """Draw a member's avatar (from their public id and name) as a disc of `size` px with
    its top left at `xy`: the same colour and initial as on the pages."""
    image.paste(avatar_image(person_avatar(seed, name), size), xy, _round_mask(size))


@lru_cache(maxsize=16)
def _round_mask(size):
    # Drawn four times larger and shrunk: a smooth edge.
    mask = PILImage.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    return mask.resize((size, size), PILImage.Resampling.LANCZOS)


def default_avatar_png(seed, name, size=256):
    """A member without a picture: the first character of their name on their colour."""
    size = min(max(int(size), AVATAR_MIN_PX), AVATAR_MAX_PX)
    out = io.BytesIO()
    _initials_image(Avatar(seed, avatar_initial(name), colour_index(seed)), size).save(out, "PNG")
    return out.getvalue()
