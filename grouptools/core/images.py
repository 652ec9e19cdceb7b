"""Uploaded pictures made safe to keep and show: checked before their pixels are
decoded, turned upright, converted to sRGB, stripped of all metadata, resized."""
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps

from grouptools.core.errors import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FULL_PX = 1600
THUMB_PX = 400
JPEG_QUALITY = 85
# MPO is how Pillow names the JPEGs many phone cameras write (a JPEG with a preview).
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF"})

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that. Our own limit, set
# here, makes production (warnings logged) and tests (warnings are errors) refuse alike.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageTooLarge(DomainError):
    status = 413
    default_message = _l("The picture is larger than %(megabytes)d MB.",
                         megabytes=MAX_UPLOAD_BYTES // (1024 * 1024))


class UnsupportedImage(DomainError):
    status = 415
    default_message = _l("This kind of picture is not accepted: send a JPEG, PNG, WebP or GIF.")


class UnreadableImage(DomainError):
    status = 422
    default_message = _l("This file is not a picture that can be read, or it is damaged.")


class ImageTooManyPixels(UnreadableImage):
    # The number is written out: Chinese counts pixels in 万 (4000 万像素), not millions.
    # Keep it equal to MAX_PIXELS.
    default_message = _l("The picture has too many pixels (at most 40 megapixels).")


@dataclass(frozen=True)
class NormalisedImage:
    """What is stored: the picture (≤ FULL_PX) and its thumbnail, both of type `mime`."""

    full: bytes
    thumb: bytes
    mime: str
    width: int
    height: int
    thumb_width: int
    thumb_height: int


def open_picture(data):
    """The picture's header read and checked — format, size in bytes and pixels — with
    no pixel decoded yet: cheap enough to sum the pixels of many uploads first.

    Raises ImageTooLarge (413), UnsupportedImage (415) or UnreadableImage (422)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageTooLarge()
    try:
        picture = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooManyPixels() from None
    # Pillow's parsers raise many kinds of errors on damaged or hostile files
    # (OSError, SyntaxError, ValueError, struct.error …); to the uploader they all
    # mean the same thing, and none may become a 500.
    except Exception:
        if _is_other_picture_format(data):
            raise UnsupportedImage() from None
        raise UnreadableImage() from None
    if picture.format not in ACCEPTED_FORMATS:
        raise UnsupportedImage()
    width, height = picture.size
    if width * height > MAX_PIXELS:
        raise ImageTooManyPixels()
    if width < 1 or height < 1:
        raise UnreadableImage()
    return picture


def pixel_count(picture):
    """What decoding an opened picture costs, as its header tells."""
    return picture.width * picture.height


def normalise_image(data):
    """Check an upload and return it upright, in sRGB, without metadata, resized.

    `data` is the file's bytes, or a picture open_picture() already checked.
    Raises ImageTooLarge (413), UnsupportedImage (415) or UnreadableImage (422)."""
    picture = open_picture(data) if isinstance(data, bytes) else data
    picture = _decode(picture)
    icc_profile = picture.info.get("icc_profile")
    # Shrink first: turning, converting and profiling then work on at most FULL_PX.
    picture = _working_mode(picture, keep_cmyk=bool(icc_profile))
    picture = _fit(picture, FULL_PX)
    picture = _upright(picture)
    picture = _to_srgb(picture, icc_profile)
    if picture.mode in ("RGBA", "LA") and picture.getchannel("A").getextrema()[0] == 255:
        picture = picture.convert(picture.mode[:-1])  # an alpha channel nobody uses
    # A new image built from the pixels alone carries no EXIF, GPS, ICC, XMP or comment.
    picture = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    thumb = _fit(picture, THUMB_PX)
    transparent = picture.mode in ("RGBA", "LA")
    return NormalisedImage(
        full=_encode(picture, transparent),
        thumb=_encode(thumb, transparent),
        mime="image/png" if transparent else "image/jpeg",
        width=picture.width,
        height=picture.height,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
    )


def _decode(picture):
    """The first frame's pixels; a large JPEG decoded at reduced scale."""
    width, height = picture.size
    try:
        picture.seek(0)
        if picture.format in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result is still
            # at least FULL_PX on the long side: much faster, far less memory.
            scale = FULL_PX / max(width, height)
            if scale < 1:
                picture.draft(None, (int(width * scale) + 1, int(height * scale) + 1))
        picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooManyPixels() from None
    except Exception:  # damaged or truncated pixel data; see open_picture
        raise UnreadableImage() from None
    return picture


def _is_other_picture_format(data):
    """Pictures Pillow cannot open but a person may well send: iPhone HEIC (an ISO media
    file, like AVIF) and SVG. They get 415 ("send another format"), not 422."""
    if data[4:8] == b"ftyp":
        return True
    head = data[:2048].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def _upright(picture):
    try:
        return ImageOps.exif_transpose(picture)
    except Exception:  # damaged EXIF: the pixels are still good, as they were stored
        return picture


def _working_mode(picture, keep_cmyk):
    """RGB, RGBA, L or LA (CMYK while its profile is still to be applied)."""
    mode = picture.mode
    if mode in ("RGB", "RGBA", "L", "LA") or (mode == "CMYK" and keep_cmyk):
        return picture
    if mode == "P":
        transparent = "transparency" in picture.info or picture.palette.mode == "RGBA"
        return picture.convert("RGBA" if transparent else "RGB")
    if mode in ("PA", "RGBa", "RGBX"):
        return picture.convert("RGBA" if mode != "RGBX" else "RGB")
    if mode == "La":
        return picture.convert("LA")
    if mode.startswith("I;16") or mode == "I":
        # 16-bit grey: keep the high byte rather than clip everything above 255 to white.
        return picture.convert("I").point(lambda value: value / 256).convert("L")
    if mode in ("1", "F"):
        return picture.convert("L")
    return picture.convert("RGB")


def _fit(picture, longest):
    width, height = picture.size
    if max(width, height) <= longest:
        return picture.copy()
    scale = longest / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # reducing_gap: first a cheap box reduction by a whole factor (Image.reduce) to no
    # less than twice the size, then Lanczos: a 40-megapixel PNG shrinks in a tenth of
    # the time a Lanczos over every pixel takes, with no visible difference.
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


_SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(picture, icc_profile):
    """Apply the embedded profile (phones: Display P3) so colours survive the profile
    being dropped; done after resizing, where it costs a fraction."""
    if not icc_profile:
        return picture.convert("RGB") if picture.mode == "CMYK" else picture
    alpha = picture.getchannel("A") if picture.mode in ("RGBA", "LA") else None
    colour = picture.convert(picture.mode[:-1]) if alpha else picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(colour, source, _SRGB, outputMode="RGB")
    except Exception:  # a damaged or mismatched profile: show the pixels as stored
        converted = colour.convert("RGB")
    if alpha:
        converted.putalpha(alpha)
    return converted


def _encode(picture, transparent):
    out = io.BytesIO()
    if transparent:
        picture.save(out, "PNG")
    else:
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
