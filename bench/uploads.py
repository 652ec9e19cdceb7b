"""How long the largest accepted upload takes to normalise (target: under 4 s, so a
phone's 40-megapixel photo is stored while its sender still waits on the page).

Run: .venv/bin/python bench/uploads.py [draws]     (3 of each; median)

It normalises, as an upload does (core.images.normalise_image: decode, rotate, sRGB,
strip, resize to 1600 px and a thumbnail), a 7900 × 5000 PNG of one colour and a
7900 × 5000 JPEG photo-like picture, and prints wall-clock and CPU medians.
"""
import io
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grouptools.core.images import normalise_image  # noqa: E402

TARGET_S = 4
SIZE = (7900, 5000)


def encoded(picture, kind):
    out = io.BytesIO()
    picture.save(out, kind)
    return out.getvalue()


def photo_like():
    picture = Image.new("RGB", SIZE, (90, 140, 200))
    draw = ImageDraw.Draw(picture)
    for step in range(0, SIZE[0], 97):
        draw.line([(step, 0), (SIZE[0] - step, SIZE[1])], fill=(step % 255, 80, 40), width=9)
    return picture


def main():
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    inputs = {"40-megapixel PNG": encoded(Image.new("RGB", SIZE, (200, 40, 40)), "PNG"),
              "40-megapixel JPEG": encoded(photo_like(), "JPEG")}
    print(f"| upload | bytes | wall s (median of {draws}) | CPU s | under {TARGET_S} s |")
    print("|---|---:|---:|---:|---|")
    for name, data in inputs.items():
        walls, cpus = [], []
        for _ in range(draws):
            wall, cpu = time.perf_counter(), time.process_time()
            result = normalise_image(data)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert (result.width, result.height) == (1600, 1013)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"| {name} | {len(data):,} | {wall:.2f} | {cpu:.2f} | "
              f"{'yes' if cpu < TARGET_S else 'NO'} |")


if __name__ == "__main__":
    main()
