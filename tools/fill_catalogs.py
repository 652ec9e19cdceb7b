"""Fill the message catalogs after `make extract`.

en: every empty entry gets its msgid (English is the source language).
zh_Hans: entries are filled from a JSON file {"English msgid": "中文"} given as argument.
Prints what is still untranslated; the test suite fails while anything is."""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGS = Path(__file__).resolve().parent.parent / "grouptools" / "translations"


def is_complete(string):
    return all(string) if isinstance(string, tuple) else bool(string)


def fill(language, translations):
    path = CATALOGS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if language == "en" and not is_complete(message.string):
            message.string = message.id
        elif key in translations:
            value = translations[key]
            if isinstance(message.id, str):
                message.string = value
            else:
                # A plural: a list gives each form; one string serves every form (Chinese
                # has one). tuple("…") would split the string into characters.
                forms = [value] if isinstance(value, str) else list(value)
                message.string = tuple(forms + forms[-1:] * (catalog.num_plurals - len(forms)))
        if not is_complete(message.string):
            missing.append(key)
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, width=100)
    return missing


if __name__ == "__main__":
    zh = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else {}
    for lang, table in (("en", {}), ("zh_Hans", zh)):
        print(lang, "untranslated:", fill(lang, table))
