"""Both catalogs stay complete: every message in the code has a zh_Hans and an en text."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "grouptools" / "translations"


def extracted_messages(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot),
         "--no-location", "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as f:
        return [m for m in read_po(f) if m.id]


def untranslated(language, messages):
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=language)
    missing = []
    for message in messages:
        entry = catalog.get(message.id, message.context)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple):
            complete = all(strings)
        else:
            complete = bool(strings)
        if entry is None or not complete or entry.fuzzy:
            missing.append(message.id)
    return missing


def test_every_message_has_a_simplified_chinese_translation(tmp_path):
    messages = extracted_messages(tmp_path)
    assert len(messages) > 10
    assert untranslated("zh_Hans", messages) == []


def test_every_message_has_an_english_text(tmp_path):
    assert untranslated("en", extracted_messages(tmp_path)) == []
