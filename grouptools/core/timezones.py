"""The time zones a group may pick: places people live in, the common ones first.

`zoneinfo.available_timezones()` also holds `Factory`, `localtime`, `posixrules`,
`Etc/GMT+8` (whose sign is the reverse of what it says) and legacy aliases (`PRC`,
`US/Eastern`): none of them is a place a person would look for. The places are the
zones of the tz database's own country table (zone.tab, shipped by the `tzdata`
package), plus UTC for groups that span the world. The menu on the pages and the API's
validation both read this module, so what one offers the other accepts."""
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import get_timezone_location

# Offered first, in this order: where most of our groups live.
COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
                "Asia/Tokyo", "Asia/Seoul", "Europe/London", "Europe/Berlin",
                "America/New_York", "America/Los_Angeles", "America/Vancouver",
                "Australia/Sydney", "UTC")
# Where zone.tab cannot be read, a zone is a place when it starts with one of these.
REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/",
           "Australia/", "Europe/", "Indian/", "Pacific/")


def _country_table_zones():
    try:
        table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None
    return {line.split("\t")[2] for line in table.splitlines()
            if line and not line.startswith("#") and line.count("\t") >= 2}


@lru_cache(maxsize=1)
def place_zones():
    """Every zone a group may have, as a frozenset of IANA names."""
    known = available_timezones()
    places = _country_table_zones()
    if places is None:
        places = {name for name in known if name.startswith(REGIONS)}
    return frozenset((places & known) | {"UTC"})


def is_place_zone(name):
    """Whether `name` is a zone a group may pick (core.groups.schemas asks this)."""
    return name in place_zones()


def ordered_zones():
    """The common zones first, then every other place sorted by name."""
    common = [name for name in COMMON_ZONES if name in place_zones()]
    return common + sorted(place_zones() - set(common))


def _offset(name, now):
    minutes = int(now.astimezone(ZoneInfo(name)).utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@lru_cache(maxsize=8)
def _labels(locale, day):
    now = datetime.now(timezone.utc)
    labels = {}
    for name in ordered_zones():
        city = name if name == "UTC" else get_timezone_location(name, locale, return_city=True)
        shown = name.replace("_", " ")
        place = shown if city in shown else f"{city} · {shown}"
        labels[name] = place if name == "UTC" else f"{place} ({_offset(name, now)})"
    return labels


def zone_choices(locale="en", keep=None):
    """(name, label) pairs for a time-zone menu, labelled in `locale` with the city and
    today's offset: "上海 · Asia/Shanghai (UTC+08:00)". `keep`: a zone already stored
    that is no longer offered stays in the menu, so saving other settings keeps it."""
    labels = _labels(str(locale), datetime.now(timezone.utc).date())
    choices = list(labels.items())
    if keep and keep not in labels:
        choices.insert(0, (keep, keep))
    return choices
