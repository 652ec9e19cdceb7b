"""Two footprints bench/load.py prints after its load run (targets of the speed issue):

- the **peak memory of each gunicorn worker** (`VmHWM`, the high-water mark of its
  resident set, from /proc/<pid>/status): under 150 MB;
- the **first visit of a poll page** on a phone with nothing cached: the page and every
  stylesheet and script it references, fetched with `Accept-Encoding: gzip, br` as a
  browser asks, counted as the bytes that cross the wire (headers and the compressed
  body as sent; pictures left out): under 60 kB."""
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

RSS_TARGET_MB = 150
FIRST_VISIT_TARGET_KB = 60
BROWSER_ENCODINGS = "gzip, deflate, br"


def workers_of(master_pid):
    """The pids of the gunicorn master's children (its workers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        if int(fields[1]) == master_pid:  # the field after the state is the parent's pid
            children.append(int(stat.parent.name))
    return sorted(children)


def peak_rss_mb(pid):
    """The process's resident-set high-water mark (VmHWM) in MB."""
    return _status_mb(pid, "VmHWM")


def _status_mb(pid, name):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


class _Assets(HTMLParser):
    """The stylesheets and scripts a page references."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.found.append(attrs["src"])
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.found.append(attrs["href"])


def wire_bytes(response):
    """The bytes of an answer as sent: its status line, headers and the body as
    encoded (read undecoded from a streamed response)."""
    body = response.raw.read(decode_content=False)
    head = len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n") + sum(
        len(name) + len(value) + 4 for name, value in response.raw.headers.items()) + 2
    return head + len(body)


def first_visit(base, path, headers):
    """[(address, status, Content-Encoding, bytes on the wire)] of the page at `path`
    and each stylesheet and script it references, as a browser with an empty cache
    fetches them."""
    browser = requests.Session()
    asked = {**headers, "Accept-Encoding": BROWSER_ENCODINGS}
    page = browser.get(base + path, headers=asked, stream=True)
    html_size = wire_bytes(page)
    html = browser.get(base + path, headers=asked).text
    parser = _Assets()
    parser.feed(html)
    fetched = [(path, page.status_code, page.headers.get("Content-Encoding", ""), html_size)]
    for address in dict.fromkeys(parser.found):
        url = urljoin(base + path, address)
        if not url.startswith(base):
            continue  # the CSP allows no other origin; nothing to count
        answer = browser.get(url, headers={"Accept-Encoding": BROWSER_ENCODINGS}, stream=True)
        fetched.append((address, answer.status_code, answer.headers.get("Content-Encoding", ""),
                        wire_bytes(answer)))
    return fetched


def report(base, poll_path, member_headers, master_pid):
    """Print both footprints and whether each meets its target; the number missed."""
    missed = 0
    fetched = first_visit(base, poll_path, member_headers)
    print("\nA poll page's first visit (empty cache, Accept-Encoding: "
          f"{BROWSER_ENCODINGS}), bytes on the wire, pictures left out:\n")
    print("| address | status | encoding | bytes |")
    print("|---|---|---|---:|")
    for address, status, encoding, size in fetched:
        print(f"| {address} | {status} | {encoding or 'none'} | {size:,} |")
    total = sum(size for *_, size in fetched) / 1024
    holds = total < FIRST_VISIT_TARGET_KB and all(status == 200 for _, status, _, _ in fetched)
    missed += not holds
    print(f"| **total** | | | **{total:.1f} kB** |\n")
    print(f"first visit {total:.1f} kB: {'meets' if holds else 'MISSES'} the "
          f"{FIRST_VISIT_TARGET_KB} kB target")
    workers = workers_of(master_pid)
    peaks = [(pid, peak_rss_mb(pid)) for pid in workers]
    for pid, peak in peaks:
        # Now (not at the peak): how much is the worker's own and how much is file pages
        # (fonts, libraries) that the kernel shares between workers but RSS counts in each.
        print(f"gunicorn worker {pid}: peak RSS (VmHWM) {peak:.1f} MB; now "
              f"{_status_mb(pid, 'RssAnon'):.1f} MB its own, "
              f"{_status_mb(pid, 'RssFile'):.1f} MB file pages")
    holds = bool(peaks) and all(peak < RSS_TARGET_MB for _, peak in peaks)
    missed += not holds
    print(f"peak RSS per worker: {'meets' if holds else 'MISSES'} the {RSS_TARGET_MB} MB target"
          + ("" if peaks else " (no worker found)"))
    return missed
