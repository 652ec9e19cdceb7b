"""The demo's picture-poll photos, drawn with Pillow: simple scenes (a mountain, the sea,
a hot pot, a park), so `make demo` needs nothing from the network."""
import io
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (960, 720)


def _sky(draw, top, bottom, height):
    for y in range(height):
        t = y / height
        draw.line([(0, y), (SIZE[0], y)],
                  fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))


def mountain(draw, rng):
    _sky(draw, (92, 148, 214), (196, 224, 240), SIZE[1])
    draw.ellipse((700, 80, 820, 200), fill=(255, 236, 170))
    for x, peak, colour in ((-100, 250, (96, 118, 140)), (300, 180, (70, 96, 120)),
                            (620, 300, (110, 132, 150))):
        draw.polygon([(x, SIZE[1]), (x + 260, peak), (x + 560, SIZE[1])], fill=colour)
        draw.polygon([(x + 220, peak + 50), (x + 260, peak), (x + 305, peak + 55)],
                     fill=(245, 248, 250))
    draw.rectangle((0, 600, SIZE[0], SIZE[1]), fill=(80, 130, 70))
    for _ in range(40):  # pines along the foot of the hills
        x = rng.randrange(0, SIZE[0])
        draw.polygon([(x, 560 + rng.randrange(40)), (x - 18, 620), (x + 18, 620)], fill=(40, 90, 50))


def seaside(draw, rng):
    _sky(draw, (255, 190, 130), (255, 232, 200), 380)
    draw.ellipse((400, 250, 560, 410), fill=(255, 150, 80))
    draw.rectangle((0, 360, SIZE[0], 560), fill=(40, 110, 170))
    for y in range(380, 560, 22):  # waves
        for x in range(-40, SIZE[0], 80):
            offset = rng.randrange(-10, 10)
            draw.arc((x + offset, y, x + offset + 80, y + 18), 200, 340, fill=(200, 230, 250), width=3)
    draw.rectangle((0, 560, SIZE[0], SIZE[1]), fill=(236, 214, 170))
    draw.line([(150, 700), (230, 560)], fill=(120, 90, 60), width=6)  # a beach umbrella
    draw.pieslice((140, 500, 320, 640), 180, 360, fill=(220, 60, 60))


def hotpot(draw, rng):
    draw.rectangle((0, 0, *SIZE), fill=(120, 72, 40))  # the table
    draw.ellipse((180, 110, 780, 650), fill=(60, 60, 64))  # the pot
    draw.ellipse((210, 140, 750, 620), fill=(200, 40, 30))  # the broth
    draw.pieslice((210, 140, 750, 620), 90, 270, fill=(236, 220, 180))  # 鸳鸯锅: two broths
    for _ in range(60):  # chillies, peppercorns, greens
        x, y = rng.randrange(260, 700), rng.randrange(190, 570)
        colour = rng.choice([(150, 20, 20), (90, 150, 60), (250, 200, 120), (120, 40, 30)])
        draw.ellipse((x, y, x + rng.randrange(10, 30), y + rng.randrange(8, 20)), fill=colour)
    for x in (60, 820):  # plates of meat
        draw.ellipse((x, 560, x + 120, 680), fill=(245, 245, 240))
        draw.ellipse((x + 20, 580, x + 100, 660), fill=(210, 110, 110))


def park(draw, rng):
    _sky(draw, (150, 200, 240), (220, 240, 250), 420)
    draw.rectangle((0, 420, SIZE[0], SIZE[1]), fill=(110, 180, 90))
    for x in (120, 420, 760):  # trees
        draw.rectangle((x - 14, 330, x + 14, 470), fill=(110, 80, 50))
        draw.ellipse((x - 90, 180, x + 90, 360), fill=(60, 140, 70))
    draw.polygon([(300, 560), (620, 540), (680, 680), (260, 700)], fill=(230, 80, 80))  # a blanket
    for x in range(300, 680, 40):
        draw.line([(x, 550), (x - 30, 700)], fill=(250, 240, 240), width=4)
    draw.ellipse((440, 580, 520, 640), fill=(250, 200, 80))  # a basket of oranges
    for _ in range(30):  # flowers
        x, y = rng.randrange(0, SIZE[0]), rng.randrange(440, SIZE[1])
        draw.ellipse((x, y, x + 10, y + 10), fill=rng.choice([(255, 255, 255), (250, 220, 60)]))


SCENES = {"mountain": mountain, "seaside": seaside, "hotpot": hotpot, "park": park}


def photo(scene, seed=0):
    """The scene as JPEG bytes, a little blurred so it reads as a photo, not a diagram."""
    picture = Image.new("RGB", SIZE)
    SCENES[scene](ImageDraw.Draw(picture), random.Random(f"{scene}-{seed}"))
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()
