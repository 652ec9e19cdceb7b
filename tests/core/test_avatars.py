"""Each member gets a default avatar: their initial, Chinese or emoji included, on a
colour of their own that every server draws alike."""
import io

import pytest
from PIL import Image

from grouptools.core import avatars


pytestmark = pytest.mark.usefixtures("fresh_fonts")


def open_png(data):
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def test_a_default_avatar_is_the_initial_on_the_members_own_colour():
    avatar = open_png(avatars.default_avatar_png("m_7Hq2", "张三", 128))
    assert avatar.size == (128, 128)
    colour = avatars.avatar_colour("m_7Hq2")
    assert avatar.getpixel((2, 2)) == colour
    # The initial is drawn in white in the middle, not as a box.
    centre = avatar.crop((32, 32, 96, 96))
    assert sum(1 for pixel in centre.get_flattened_data() if pixel == (255, 255, 255)) > 200
    again = avatars.default_avatar_png("m_7Hq2", "张三", 128)
    assert again == avatars.default_avatar_png("m_7Hq2", "张三", 128)


def test_avatar_colours_are_derived_from_the_id_and_spread():
    colours = {avatars.avatar_colour(f"member-{i}") for i in range(100)}
    assert len(colours) >= 10
    assert avatars.avatar_colour("member-1") == avatars.avatar_colour("member-1")


def test_avatar_initials():
    assert avatars.avatar_initial("alice") == "A"
    assert avatars.avatar_initial("  张三") == "张"
    assert avatars.avatar_initial("👍🏽 Bob") == "👍🏽"
    assert avatars.avatar_initial("") == "?"


def test_an_emoji_name_gets_a_colour_emoji_initial():
    avatar = open_png(avatars.default_avatar_png("x", "🎉派对", 128))
    background = avatars.avatar_colour("x")
    centre = [p for p in avatar.crop((24, 24, 104, 104)).get_flattened_data() if p != background]
    assert len(centre) > 1000


def test_avatar_size_is_bounded():
    assert open_png(avatars.default_avatar_png("x", "A", 1)).size == (16, 16)
    assert open_png(avatars.default_avatar_png("x", "A", 10**6)).size == (1024, 1024)


def test_pages_colour_avatars_with_the_pictures_palette():
    """The page's avatar-c<n> classes are the palette pictures draw with, in its order,
    so an initial has the same colour on a page and in a picture."""
    import re
    from pathlib import Path

    from grouptools.core.palette import AVATAR_COLOURS

    css = (Path(avatars.__file__).parent.parent / "static" / "css" / "app.css").read_text()
    classes = dict(re.findall(r"\.avatar-c(\d+) \{ background: #([0-9a-f]{6});", css))
    assert {int(index): tuple(bytes.fromhex(value)) for index, value in classes.items()} == \
        dict(enumerate(AVATAR_COLOURS))
