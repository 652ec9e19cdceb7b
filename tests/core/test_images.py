"""Uploads: JPEG, PNG, WebP and GIF come back upright, in sRGB, resized and without a
byte of metadata; anything else gets 413, 415 or 422, never a 500."""
import io
import random
import struct
import warnings
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from grouptools.core import images
from grouptools.core.errors import DomainError
from grouptools.core.images import (ImageTooLarge, ImageTooManyPixels, UnreadableImage,
                                    UnsupportedImage, normalise_image)

ORIENTATION, GPS_IFD = 0x0112, 0x8825
GPS = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # Beijing


def encode(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def decoded(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def photo(size=(600, 400), colour=(90, 140, 200)):
    return Image.new("RGB", size, colour)


def s15(value):
    return struct.pack(">i", round(value * 65536))


def display_p3_profile():
    """A minimal ICC v2 matrix profile with Display P3 primaries (D50-adapted), as
    iPhones embed. Pillow can only create sRGB itself."""
    def tag_xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    def tag_desc(text):
        ascii_text = text.encode("ascii") + b"\0"
        return (b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_text)) + ascii_text
                + b"\0" * 8 + b"\0" * 3 + b"\0" * 67)

    gamma = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    tags = [
        (b"desc", tag_desc("Display P3")),
        (b"wtpt", tag_xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", tag_xyz(0.5151, 0.2412, -0.0011)),
        (b"gXYZ", tag_xyz(0.2920, 0.6922, 0.0419)),
        (b"bXYZ", tag_xyz(0.1571, 0.0666, 0.7841)),
        (b"rTRC", gamma), (b"gTRC", gamma), (b"bTRC", gamma),
        (b"cprt", b"text" + b"\0" * 4 + b"none\0\0\0\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"APPL" + b"\0" * 4
              + b"\0" * 8 + b"\0" * 8 + struct.pack(">I", 0) + s15(0.9642) + s15(1.0) + s15(0.8249)
              + b"lcms" + b"\0" * 44)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def no_metadata(data):
    """Nothing a phone or an editor may have written survives, in any form."""
    image = decoded(data)
    assert dict(image.getexif()) == {}
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "dpi"):
        assert key not in image.info, key
    markers = (b"Exif", b"ICC_PROFILE", b"iCCP", b"http://ns.adobe.com", b"xmpmeta", b"GPS",
               b"tEXt")
    for marker in markers:
        assert marker not in data, marker
    return image


# --- Accepted pictures --------------------------------------------------------------------

def test_a_jpeg_with_gps_exif_comes_back_without_any_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    exif[0x0110] = "iPhone 15"  # Model
    exif[GPS_IFD] = GPS
    data = encode(photo(), "JPEG", exif=exif.tobytes(), comment=b"my home",
                  xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>secret</x:xmpmeta>", dpi=(300, 300))
    assert decoded(data).getexif().get_ifd(GPS_IFD)

    result = normalise_image(data)
    assert result.mime == "image/jpeg"
    for picture in (result.full, result.thumb):
        no_metadata(picture)
        assert b"iPhone" not in picture and b"my home" not in picture and b"secret" not in picture


def test_a_photo_taken_sideways_comes_back_upright():
    # Stored landscape 600×400 with a red block in its top-left corner; orientation 6
    # means "turn 90° clockwise to view", which puts the block top-right.
    stored = photo((600, 400), (230, 230, 230))
    stored.paste((220, 20, 20), (0, 0, 120, 120))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    result = normalise_image(encode(stored, "JPEG", exif=exif.tobytes(), quality=95))

    upright = no_metadata(result.full).convert("RGB")
    assert (result.width, result.height) == upright.size == (400, 600)
    red, green, blue = upright.getpixel((400 - 60, 60))
    assert red > 180 and green < 80 and blue < 80
    assert upright.getpixel((60, 60))[1] > 200  # top-left is the grey background
    assert (result.thumb_width, result.thumb_height) == (267, 400)


def test_a_display_p3_photo_is_converted_to_srgb_and_loses_its_profile():
    profile = display_p3_profile()
    description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile)))
    assert "Display P3" in description
    colour = (200, 100, 100)
    data = encode(photo(colour=colour), "JPEG", icc_profile=profile, quality=95)
    assert decoded(data).info["icc_profile"] == profile

    result = normalise_image(data)
    converted = no_metadata(result.full).convert("RGB").getpixel((300, 200))
    # The same colour written in sRGB numbers is more saturated (216, 93, 96): had the
    # profile just been dropped, the picture would look duller than it was taken.
    expected = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour), ImageCms.ImageCmsProfile(io.BytesIO(profile)),
        ImageCms.createProfile("sRGB"),
    ).getpixel((0, 0))
    assert expected[0] > colour[0] + 10
    assert all(abs(a - b) <= 3 for a, b in zip(converted, expected)), (converted, expected)


def test_a_png_with_transparency_stays_a_png_with_its_alpha():
    picture = Image.new("RGBA", (300, 200), (10, 127, 85, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 100, 100))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home")
    result = normalise_image(encode(picture, "PNG", pnginfo=info))
    assert result.mime == "image/png"
    full = no_metadata(result.full)
    assert full.mode == "RGBA"
    assert full.getpixel((10, 10))[3] == 0 and full.getpixel((200, 150)) == (10, 127, 85, 255)


def test_an_opaque_png_becomes_a_jpeg():
    result = normalise_image(encode(Image.new("RGBA", (50, 50), (1, 2, 3, 255)), "PNG"))
    assert result.mime == "image/jpeg"
    assert decoded(result.full).format == "JPEG"


def test_a_webp_is_accepted():
    result = normalise_image(encode(photo(), "WEBP"))
    assert (result.mime, result.width, result.height) == ("image/jpeg", 600, 400)


def test_a_phone_mpo_jpeg_is_accepted_as_a_jpeg():
    # Many cameras write a JPEG with a second, preview image; Pillow calls it MPO.
    data = encode(photo(), "MPO", save_all=True, append_images=[photo((160, 120))])
    assert decoded(data).format == "MPO"
    result = normalise_image(data)
    assert (result.mime, result.width) == ("image/jpeg", 600)
    no_metadata(result.full)


def test_an_animated_gif_gives_its_first_frame():
    colours = ((220, 20, 20), (20, 200, 20), (20, 20, 220))
    frames = [Image.new("RGB", (120, 80), colour) for colour in colours]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = normalise_image(data)
    full = decoded(result.full).convert("RGB")
    red, green, blue = full.getpixel((60, 40))
    assert red > 180 and green < 60 and blue < 60
    assert getattr(decoded(result.full), "n_frames", 1) == 1


def test_large_pictures_are_resized_to_1600_with_a_400_thumbnail():
    result = normalise_image(encode(photo((4032, 3024)), "JPEG"))
    assert (result.width, result.height) == (1600, 1200)
    assert (result.thumb_width, result.thumb_height) == (400, 300)
    assert decoded(result.full).size == (1600, 1200)
    assert decoded(result.thumb).size == (400, 300)


def test_small_pictures_are_not_enlarged():
    result = normalise_image(encode(photo((320, 240)), "PNG"))
    assert (result.width, result.height) == (320, 240)
    assert (result.thumb_width, result.thumb_height) == (320, 240)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "I;16", "CMYK"])
def test_unusual_colour_modes_are_accepted(mode):
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    result = normalise_image(encode(Image.new(mode, (64, 48)), fmt))
    assert result.width == 64
    assert decoded(result.full).mode in ("RGB", "RGBA", "L", "LA")


# --- Refused uploads ----------------------------------------------------------------------

def assert_refused(data, error_class, status):
    with pytest.raises(error_class) as caught:
        normalise_image(data)
    assert isinstance(caught.value, DomainError)
    assert caught.value.status == status
    assert str(caught.value.message)


def test_over_10_megabytes_is_413():
    assert_refused(b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024), ImageTooLarge, 413)


def test_the_size_message_is_translated(app):
    with app.test_request_context("/?lang=zh_Hans"):
        assert str(ImageTooLarge().message) == "图片超过 10 MB。"
    with app.test_request_context("/?lang=en"):
        assert str(ImageTooLarge().message) == "The picture is larger than 10 MB."


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "PPM"])
def test_a_decodable_picture_in_another_format_is_415(fmt):
    assert_refused(encode(photo((40, 30)), fmt), UnsupportedImage, 415)


def test_an_iphone_heic_is_415():
    heic_start = struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0mif1heic" + b"\0" * 100
    assert_refused(heic_start, UnsupportedImage, 415)


def test_an_svg_is_415():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    assert_refused(svg, UnsupportedImage, 415)


def png_header_claiming(width, height):
    """A PNG whose header claims a size; its pixels are never there."""
    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width, height", [(20000, 20000), (7000, 7000), (100000, 1000)])
def test_a_decompression_bomb_is_422_before_decoding(width, height):
    assert_refused(png_header_claiming(width, height), ImageTooManyPixels, 422)


def test_the_pixel_limit_holds_where_pillow_only_warns():
    # In production Pillow's DecompressionBombWarning is just logged: the explicit
    # check must refuse the picture anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert_refused(png_header_claiming(7000, 7000), ImageTooManyPixels, 422)
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS == 40_000_000


def test_just_under_the_limit_is_not_a_bomb():
    # 40 megapixels exactly is allowed; the pixels are missing, so it is unreadable instead.
    with pytest.raises(UnreadableImage) as caught:
        normalise_image(png_header_claiming(8000, 5000))
    assert not isinstance(caught.value, ImageTooManyPixels)


def test_a_text_file_named_jpg_is_422():
    assert_refused("这不是图片，只是一段文字。\n".encode() * 20, UnreadableImage, 422)


def test_an_empty_file_is_422():
    assert_refused(b"", UnreadableImage, 422)


def noisy(size):
    generator = random.Random(5)
    return Image.frombytes("RGB", size, generator.randbytes(size[0] * size[1] * 3))


def test_a_truncated_png_is_422():
    data = encode(noisy((200, 200)), "PNG")
    assert_refused(data[: len(data) // 2], UnreadableImage, 422)


def test_a_truncated_jpeg_is_422():
    data = encode(noisy((200, 200)), "JPEG")
    assert_refused(data[: len(data) // 2], UnreadableImage, 422)


def test_garbage_after_a_valid_signature_is_422():
    signatures = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"RIFF\0\0\0\0WEBPVP8 ")
    for signature in signatures:
        assert_refused(signature + bytes(range(256)) * 4, UnreadableImage, 422)


# --- Large pictures cost little (issue 10 §4) ----------------------------------------------

@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_large_photo_taken_sideways_is_shrunk_and_upright(fmt):
    # Shrinking now comes before turning: the orientation must survive the shrinking.
    stored = photo((3200, 2000), (230, 230, 230))
    stored.paste((220, 20, 20), (0, 0, 640, 640))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    result = normalise_image(encode(stored, fmt, exif=exif.tobytes()))
    upright = no_metadata(result.full).convert("RGB")
    assert (result.width, result.height) == upright.size == (1000, 1600)
    red, green, blue = upright.getpixel((1000 - 100, 100))
    assert red > 180 and green < 80 and blue < 80


def test_the_header_alone_tells_the_pixels_without_decoding():
    # Only a header: decoding would fail, opening does not.
    picture = images.open_picture(png_header_claiming(7900, 5000))
    assert images.pixel_count(picture) == 39_500_000


def test_a_40_megapixel_png_is_shrunk():
    """How long it takes is measured in bench/uploads.py."""
    data = encode(Image.new("RGB", (7900, 5000), (200, 40, 40)), "PNG")
    result = normalise_image(data)
    assert (result.width, result.height) == (1600, 1013)
    assert decoded(result.full).getpixel((800, 500))[0] > 180


def test_a_40_megapixel_jpeg_is_decoded_at_reduced_scale(monkeypatch):
    """libjpeg decodes at 1/4 scale here (1975 px, still above 1600): what gets resized
    is never the full 7900 px."""
    resized = []
    original = Image.Image.resize

    def spy(self, size, *args, **kwargs):
        resized.append(self.size)
        return original(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", spy)
    result = normalise_image(encode(photo((7900, 5000)), "JPEG"))
    assert (result.width, result.height) == (1600, 1013)
    assert resized and max(max(size) for size in resized) <= 2 * images.FULL_PX
