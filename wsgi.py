"""What gunicorn serves: `gunicorn wsgi:app`."""
import ctypes
import gc

from grouptools import create_app

# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
BIG_BLOCK_BYTES = 128 * 1024


def return_big_blocks_at_once():
    """Blocks of 128 kB and more (pictures being drawn, PNGs being encoded) are mapped
    for themselves and handed back to the system when freed, and the heap's free top
    is trimmed from 256 kB. glibc's default raises that bar after each big block freed
    (up to 32 MB), so a worker that drew a poster kept its memory in the heap: about
    7 MB more at its peak and 8 MB more for good (bench/RESULTS.md, "Footprints").
    Nothing to do where the C library is not glibc."""
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return
    mallopt(M_MMAP_THRESHOLD, BIG_BLOCK_BYTES)
    mallopt(M_TRIM_THRESHOLD, 2 * BIG_BLOCK_BYTES)


return_big_blocks_at_once()
app = create_app()

# What the app has loaded by now (code, templates, fonts' tables, translations) lives as
# long as the worker: the collector need not walk it again on every collection. It found
# nothing to free there and cost each request about a third of a millisecond
# (bench/RESULTS.md, "The cost every request pays").
gc.collect()
gc.freeze()
