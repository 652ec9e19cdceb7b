"""The certificate of an achievement (成就证书): a 1080 px wide picture drawn like a
paper award — a double gold frame, the title in Chinese and English, the member's
avatar and name, the big day count, the habit and group, the date earned and the QR code
of the public verification page (/a/<aid>).

It shows what that page shows and nothing more (docs/security.md#certificates): the
picture travels as a saved image, and whoever scans it reads the same facts there.
Text is drawn with core.render (the SC face of Noto CJK, emoji from the emoji font)."""
import io
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask_babel import format_date
from PIL import Image, ImageDraw

from grouptools.core import render
from grouptools.core.avatars import Avatar, avatar_image
from grouptools.core.i18n import gettext, ngettext
from grouptools.core.palette import INK, MUTED, WHITE
from grouptools.core.share import qr_image, qr_payload

SIZE = (1080, 1440)
PAPER = (0xFB, 0xF7, 0xEC)
GOLD = (0xB8, 0x89, 0x3B)
GOLD_DARK = (0x8A, 0x5A, 0x12)
SEAL = (0xB4, 0x2B, 0x2B)
TITLE_ZH, TITLE_EN = "成就证书", "Certificate of Achievement"
MARGIN = 120
AVATAR_PX = 184
QR_PX = 200


@dataclass(frozen=True)
class Certificate:
    """What a certificate shows: every part of it is also on the verification page."""

    member_name: str
    member_avatar: Avatar  # the person's avatar, as every page shows it (core.avatars)
    group_name: str
    habit_title: str
    days: int
    earned_on: date
    verify_url: str

    def etag_parts(self):
        return ("certificate", self.member_name, *self.member_avatar.__dict__.values(),
                self.group_name,
                self.habit_title, self.days, self.earned_on.isoformat(), self.verify_url)


def draw_certificate(certificate):
    """PNG bytes of the certificate, its captions in the request's language."""
    width, height = SIZE
    image = Image.new("RGB", SIZE, PAPER)
    _draw_frame(image)
    text_px = width - 2 * MARGIN
    centre = width / 2

    render.draw_text(image, (centre, 86), TITLE_ZH, 96, GOLD_DARK, bold=True, align="center")
    render.draw_text(image, (centre, 208), TITLE_EN.upper(), 34, MUTED, align="center")
    _ornament(image, 274)

    _paste_avatar(image, certificate, (round(centre - AVATAR_PX / 2), 310))
    name = render.wrap_text(certificate.member_name, 60, text_px, max_lines=1, bold=True)
    render.draw_lines(image, (centre, 514), name, 60, INK, True, 1.3, "center")
    render.draw_text(image, (centre, 610), gettext("has checked in on"), 34, MUTED,
                     align="center")
    render.draw_text(image, (centre, 644), str(certificate.days), 180, GOLD_DARK, bold=True,
                     align="center", height=200)
    unit = ngettext("day", "days", certificate.days)
    render.draw_text(image, (centre, 842), unit, 44, GOLD_DARK, bold=True, align="center")

    title = render.wrap_text(certificate.habit_title, 46, text_px, max_lines=2, bold=True)
    y = render.draw_lines(image, (centre, 906), title, 46, INK, True, 1.3, "center")
    group = render.wrap_text(certificate.group_name, 34, text_px, max_lines=1)
    render.draw_lines(image, (centre, y + 6), group, 34, MUTED, False, 1.4, "center")

    _draw_footer(image, certificate)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def _draw_frame(image):
    width, height = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, width - 25, height - 25), outline=GOLD, width=10)
    draw.rectangle((48, 48, width - 49, height - 49), outline=GOLD, width=2)
    for x, y in ((48, 48), (width - 49, 48), (48, height - 49), (width - 49, height - 49)):
        _diamond(draw, x, y, 14)


def _diamond(draw, x, y, r, fill=GOLD):
    draw.polygon(((x, y - r), (x + r, y), (x, y + r), (x - r, y)), fill=fill)


def _ornament(image, y):
    """A short gold rule with a diamond in the middle, under the title."""
    draw = ImageDraw.Draw(image)
    centre = image.width // 2
    draw.line((centre - 180, y, centre - 22, y), fill=GOLD, width=3)
    draw.line((centre + 22, y, centre + 180, y), fill=GOLD, width=3)
    _diamond(draw, centre, y, 10)


def _paste_avatar(image, certificate, xy):
    """The member's avatar in a circle with a gold ring."""
    avatar = avatar_image(certificate.member_avatar, AVATAR_PX * 2)
    avatar = avatar.resize((AVATAR_PX, AVATAR_PX), Image.Resampling.LANCZOS)
    scale = 4  # a smooth circle: the mask drawn large, then shrunk
    mask = Image.new("L", (AVATAR_PX * scale,) * 2, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, AVATAR_PX * scale - 1, AVATAR_PX * scale - 1), fill=255)
    mask = mask.resize((AVATAR_PX, AVATAR_PX), Image.Resampling.LANCZOS)
    x, y = xy
    ring = 8
    ImageDraw.Draw(image).ellipse((x - ring, y - ring, x + AVATAR_PX + ring - 1,
                                   y + AVATAR_PX + ring - 1), fill=GOLD)
    image.paste(avatar, (x, y), mask)


def _draw_footer(image, certificate):
    """The date earned and how to verify on the left, the QR code on the right."""
    width, height = image.size
    top = height - 120 - QR_PX
    left = MARGIN
    qr_left = width - MARGIN - QR_PX
    draw = ImageDraw.Draw(image)
    draw.line((left, top - 30, width - MARGIN, top - 30), fill=GOLD, width=2)

    text_px = qr_left - left - 170  # clear of the seal
    earned = gettext("Earned on %(date)s", date=format_date(certificate.earned_on, "long"))
    y = render.draw_paragraph(image, (left, top + 8), earned, 30, text_px, INK, max_lines=2,
                              bold=True, line_spacing=1.35)
    y = render.draw_paragraph(image, (left, y + 14),
                              gettext("Scan the code to check that this certificate is "
                                      "genuine."), 28, text_px, MUTED, max_lines=3)
    host = urlsplit(qr_payload(certificate.verify_url)).hostname or ""
    render.draw_text(image, (left, y + 6), host, 26, MUTED)
    _seal(image, (qr_left - 96, top + QR_PX - 58))

    code = qr_image(certificate.verify_url, QR_PX).convert("RGB")
    draw.rectangle((qr_left - 6, top - 6, qr_left + code.width + 5, top + code.height + 5),
                   fill=WHITE, outline=GOLD, width=2)
    image.paste(code, (qr_left, top))


def _seal(image, centre):
    """A round red seal with a tick-like star: the mark of an award, drawn, not a logo."""
    x, y = centre
    r = 58
    draw = ImageDraw.Draw(image)
    draw.ellipse((x - r, y - r, x + r, y + r), outline=SEAL, width=5)
    draw.ellipse((x - r + 10, y - r + 10, x + r - 10, y + r - 10), outline=SEAL, width=2)
    render.draw_text(image, (x, y - 26), "成就", 36, SEAL, bold=True, align="center",
                     height=52)
