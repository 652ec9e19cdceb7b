"""A card as a business-card picture to share outside the group (`/c/<cid>/card.png`):
the avatar, the display name, title and company, the other values, and the contact QR
code (the vCard itself) a phone's camera imports.

The picture and the contact code carry only a card's non-private values, whoever asks:
they are made to be passed on, and whoever holds them holds everything on them."""
import io

from PIL import Image, ImageDraw

from grouptools.card.vcards import contact_modules
from grouptools.core import render
from grouptools.core.avatars import avatar_image
from grouptools.core.i18n import labelled
from grouptools.core.palette import BRAND, BRAND_TINT, INK, MUTED, WHITE
from grouptools.core.share import modules_image

CARD_SIZE = (1200, 700)
QR_PX = 400
MARGIN = 64
HEADLINE_KEYS = ("name", "title", "company")


def draw_card(view, group_name, caption):
    """PNG bytes of the card picture for a shareable CardView (non-private values)."""
    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 23, height), fill=BRAND)
    text_left = MARGIN + 24
    qr_left = width - MARGIN - QR_PX
    text_width = qr_left - text_left - 40

    avatar = avatar_image(view.card.owner, 120)
    mask = Image.new("L", avatar.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, *avatar.size), fill=255)
    image.paste(avatar, (text_left, MARGIN), mask)

    top = MARGIN + 140
    for line in render.wrap_text(view.display_name, 56, text_width, max_lines=2, bold=True):
        render.draw_text(image, (text_left, top), line, 56, INK, bold=True)
        top += render.line_height(56, bold=True)
    values = view.values
    role = " · ".join(v for v in (values.get("title"), values.get("company")) if v)
    if role:
        for line in render.wrap_text(role, 34, text_width, max_lines=2):
            render.draw_text(image, (text_left, top + 8), line, 34, BRAND)
            top += render.line_height(34)
    top += 24
    for field, value in view.shown_fields:
        if field.key in HEADLINE_KEYS or top > height - MARGIN - 90:
            continue
        line = render.wrap_text(labelled(field.shown_label, value), 28, text_width, max_lines=1)
        render.draw_text(image, (text_left, top), line[0] if line else "", 28, INK)
        top += round(render.line_height(28) * 1.25)
    for line in render.wrap_text(group_name, 26, text_width, max_lines=1):
        render.draw_text(image, (text_left, height - MARGIN - 30), line, 26, MUTED)

    code = modules_image(contact_modules(view), QR_PX)
    qr_top = (height - QR_PX) // 2 - 24
    draw.rounded_rectangle((qr_left - 16, qr_top - 16, qr_left + QR_PX + 15, qr_top + QR_PX + 15),
                           radius=20, fill=BRAND_TINT)
    image.paste(code.convert("RGB"), (qr_left, qr_top))
    render.draw_text(image, (qr_left + QR_PX / 2, qr_top + QR_PX + 28), caption, 26, MUTED,
                     align="center")
    out = io.BytesIO()
    # Level 1, as the posters: a few kB larger and far faster than optimize (bench/README.md).
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()
