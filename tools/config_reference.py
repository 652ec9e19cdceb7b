"""Write docs/configuration.md from the settings declared in grouptools/config.py.

    .venv/bin/python tools/config_reference.py          # rewrite the file
    .venv/bin/python tools/config_reference.py --check  # exit 1 when it is out of date

tests/test_configuration.py fails while the file is out of date."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET = ROOT / "docs" / "configuration.md"

HEADER = """\
# Configuration

<!-- Written by tools/config_reference.py from SETTINGS in grouptools/config.py:
     change that list, then run `.venv/bin/python tools/config_reference.py`. -->

grouptools reads its settings from environment variables; all are optional in
development. In production (`GROUPTOOLS_ENV=production`) set at least
`GROUPTOOLS_SECRET_KEY` and `GROUPTOOLS_BASE_URL`; docs/deploy.md shows a whole set-up
and docs/security.md#production-settings why each matters. A setting that is unset, or
set to an empty value where the meaning allows, takes its default.

| setting | default | meaning |
|---|---|---|
"""


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default(setting):
    if setting.shown is not None:
        return setting.shown
    if setting.default is None:
        return "unset"
    return f"`{setting.default}`"


def render():
    from grouptools.config import SETTINGS
    from grouptools.core.ratelimits import ACTIONS

    lines = [HEADER.rstrip("\n")]
    for setting in SETTINGS:
        lines.append(f"| `{setting.name}` | {_cell(_default(setting))} | {_cell(setting.meaning)} |")
    lines += ["", "## Rate limits per action", "",
              "Each action's limit, page and API together (what each covers: "
              "docs/security.md#production-settings). Per address for creating people and "
              "sign-in links, per person otherwise.", "",
              "| setting | default |", "|---|---|"]
    for name, action in ACTIONS.items():
        lines.append(f"| `GROUPTOOLS_RATELIMIT_{name.upper()}` | `{action.default}` |")
    return "\n".join(lines) + "\n"


def main(argv):
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run tools/config_reference.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
