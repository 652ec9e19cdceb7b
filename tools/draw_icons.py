"""Draw the app's icons with Pillow: the brand mark of base.html (a green tile, a white
speech bubble, a green tick) as favicon.ico and the PNGs a phone's "add to home screen"
uses. The results are committed under grouptools/static/icons/; run this again after
changing the mark:

    .venv/bin/python tools/draw_icons.py
"""
from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "grouptools" / "static" / "icons"
GREEN = (10, 127, 85, 255)      # #0a7f55, the brand green of app.css
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 1024              # drawn large, then scaled down: smooth edges at any size


def _mark(draw, scale, offset=0.0):
    """The bubble and the tick of the 32-unit SVG mark, `scale` pixels per unit."""
    def at(x, y):
        return (offset + x * scale, offset + y * scale)

    draw.rounded_rectangle([at(6, 9), at(26, 22)], radius=3 * scale, fill=WHITE)
    draw.polygon([at(15, 21.5), at(10, 26), at(10, 21.5)], fill=WHITE)
    width = 2.4 * scale
    points = [at(11.5, 15.5), at(14.5, 18.5), at(20.5, 12.5)]
    draw.line(points, fill=GREEN, width=round(width), joint="curve")
    for x, y in (points[0], points[-1]):  # round caps
        draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=GREEN)


def draw_tile():
    """The mark on its rounded tile, transparent corners: favicons and touch icons."""
    image = Image.new("RGBA", (SUPERSAMPLE, SUPERSAMPLE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    scale = SUPERSAMPLE / 32
    draw.rounded_rectangle([0, 0, SUPERSAMPLE - 1, SUPERSAMPLE - 1], radius=8 * scale, fill=GREEN)
    _mark(draw, scale)
    return image


def draw_maskable():
    """The mark inside the safe zone of a full-bleed square: launchers cut their own shape
    (circle, squircle) out of it, so nothing may sit near the edges."""
    image = Image.new("RGBA", (SUPERSAMPLE, SUPERSAMPLE), GREEN)
    draw = ImageDraw.Draw(image)
    inner = SUPERSAMPLE * 0.9           # the mark then spans 56 %: inside the 80 % safe circle
    scale = inner / 32
    _mark(draw, scale, offset=(SUPERSAMPLE - inner) / 2)
    return image


def sized(image, size, flat=False):
    small = image.resize((size, size), Image.LANCZOS)
    if flat:  # iOS draws transparency black: give the touch icon a white ground
        ground = Image.new("RGBA", small.size, WHITE)
        ground.alpha_composite(small)
        return ground.convert("RGB")
    return small


def main():
    ICONS.mkdir(parents=True, exist_ok=True)
    tile, maskable = draw_tile(), draw_maskable()
    sized(tile, 192).save(ICONS / "icon-192.png", optimize=True)
    sized(tile, 512).save(ICONS / "icon-512.png", optimize=True)
    sized(maskable, 512).save(ICONS / "icon-maskable-512.png", optimize=True)
    sized(maskable, 180, flat=True).save(ICONS / "apple-touch-icon.png", optimize=True)
    sized(tile, 64).save(ICONS / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])
    for path in sorted(ICONS.iterdir()):
        print(f"{path.relative_to(ICONS.parent.parent.parent)}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
