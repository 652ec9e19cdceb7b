"""The relay as chat text (`#接龙`, numbered lines, a 候补 section) and back again.

Writing: a header line, the title, the description, then per slot the numbered confirmed
entries and the waitlist, and last the relay's link. A line is the name, then each field
that is not private in order ("-" for one left empty, so the positions still line up),
then "+2" for guests. Private fields never appear, whoever asks.

Reading: what people paste from a chat; after the name come the fields in the text's own
order (those everyone sees, then the private ones), so the text of a list reads back.
Lines before the first numbered line are the header (title, description, "例 张三 138…");
a numbered line ("1. ", "1、", "1）", "(1)", "候补1.") is an entry, whose name may be
quoted when it has spaces ("Mary Ann" 138…); "【slot】" or "[slot]" starts a slot's
section and "候补" the waitlist; a line that is only a link is skipped; any other line
after the list started is refused with its reason."""
import re
from dataclasses import dataclass, field


from grouptools.core.i18n import gettext
from grouptools.relay.poster import when_and_where

EMPTY = "-"
NUMBERED = re.compile(
    r"^\s*(?:候补|候補)?\s*[(（\[【]?\s*[0-9０-９]{1,4}\s*"
    r"(?:[)）\]】.．。、,，:：\-](?![0-9０-９])|\s)\s*(?P<content>.*)$"
)
WAITLIST_HEADER = re.compile(r"^\s*(候补|候補|waitlist|waiting list)(名单)?\s*[:：]?\s*$",
                             re.IGNORECASE)
SLOT_HEADER = re.compile(r"^\s*[【\[]\s*(?P<label>[^】\]]+?)\s*[】\]]\s*$")
GUESTS = re.compile(r"(?:^|\s)[+＋]\s*(?P<guests>[0-9]{1,2})\s*$")
SEPARATOR = re.compile(r"\s*[,，;；]\s*|\s+")
LINK = re.compile(r"^https?://\S+$")
# A name with spaces is written in quotes: "Mary Ann" 138…, “张 三”, 「张三」.
QUOTED_NAME = re.compile(r'^(?:"(?P<a>[^"]+)"|“(?P<b>[^”]+)”|「(?P<c>[^」]+)」|\'(?P<d>[^\']+)\')\s*')
LINES_MAX = 1000


# --- Writing -----------------------------------------------------------------------------

def line_fields(relay):
    """The fields in the order a chat line holds them: public ones, then private ones."""
    return [f for f in relay.fields if not f.private] + [f for f in relay.fields if f.private]


def entry_line(public_keys, view):
    """"张三 13800138000 +1": the name, the public fields in order (`public_keys`), the
    guests."""
    values = [view.values.get(key) or EMPTY for key in public_keys]
    while values and values[-1] == EMPTY:
        values.pop()
    parts = [view.name, *values]
    if view.guests:
        parts.append(f"+{view.guests}")
    return " ".join(parts)


def slot_line(label):
    """The line that starts a slot's section: "【上午】" in Chinese, "[Morning]" in English,
    so that the text keeps to one punctuation style (reading accepts both)."""
    return gettext("[%(slot)s]", slot=label)


def relay_text(state, link):
    """The `#接龙` text of the list the asker sees, without any private field, ending with
    the relay's link so that people in the chat tap through to sign up."""
    relay = state.relay
    public = [f.key for f in relay.fields if not f.private]
    lines = [gettext("#Sign-up"), relay.title, *when_and_where(relay)]
    if relay.description:
        lines.extend(relay.description.splitlines())
    for section in state.sections:
        lines.append("")
        if section.slot is not None:
            lines.append(slot_line(section.slot.label))
        for view in section.confirmed:
            lines.append(f"{view.number}. {entry_line(public, view)}")
        if section.waitlisted:
            lines.append(gettext("Waitlist"))
            for view in section.waitlisted:
                lines.append(f"{view.waitlist_position}. {entry_line(public, view)}")
    lines.extend(["", link])
    return "\n".join(lines) + "\n"


def retry_text(rejected):
    """The refused lines of an import, each under its 【slot】 line, ready to fix and paste
    again."""
    lines, slot = [], None
    for line in rejected:
        if line["slot"] is not None and line["slot"] != slot:
            lines.append(slot_line(line["slot"]))
        slot = line["slot"]
        lines.append(line["text"])
    return "\n".join(lines)


# --- Reading -----------------------------------------------------------------------------

@dataclass
class PastedLine:
    line: int  # 1-based line number in the pasted text
    text: str
    name: str = ""
    values: dict = field(default_factory=dict)
    guests: int = 0
    slot_label: str | None = None
    error: str | None = None


def _split(relay, content, number, text, slot_label):
    entry = PastedLine(number, text, slot_label=slot_label)
    if relay.guests_max:
        guests = GUESTS.search(content)
        if guests:
            entry.guests = int(guests.group("guests"))
            content = content[:guests.start()]
    content = content.strip()
    if not content:
        entry.error = gettext("Nothing after the number.")
        return entry
    fields = line_fields(relay)
    if not fields:
        entry.name = content
        return entry
    quoted = QUOTED_NAME.match(content)
    if quoted:
        name = next(group for group in quoted.groups() if group is not None).strip()
        rest = content[quoted.end():].strip()
        parts = [name, *(SEPARATOR.split(rest, maxsplit=len(fields) - 1) if rest else [])]
    else:
        parts = SEPARATOR.split(content, maxsplit=len(fields))
    entry.name = parts[0]
    entry.values = {f.key: ("" if value == EMPTY else value) for f, value in zip(fields, parts[1:])}
    return entry


def parse_relay_text(relay, text):
    """Every line that is or should be an entry, in order, each with its error if any."""
    lines = text.splitlines()[:LINES_MAX]
    parsed = []
    started = False
    slot_label = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#") or LINK.match(line):
            continue
        if WAITLIST_HEADER.match(line):
            started = True
            continue
        slot = SLOT_HEADER.match(line)
        if slot:
            started = True
            slot_label = slot.group("label")
            continue
        match = NUMBERED.match(line)
        if match is None:
            if started:
                parsed.append(PastedLine(number, line, error=gettext(
                    "No number at the start of the line (e.g. “12. 张三”).")))
            continue
        started = True
        parsed.append(_split(relay, match.group("content"), number, line, slot_label))
    return parsed
