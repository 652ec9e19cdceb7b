"""When two short texts people typed mean the same: a poll's options, a relay's choices.

Phones type full-width letters and spaces (ＡＢＣ, the ideographic space) as easily as
half-width ones, and people do not see the difference, so "Ａ 组", "a组" and "A组" are
one answer."""
import unicodedata


def comparable(text):
    """`text` folded for comparing: full/half width (NFKC), case, and every space gone."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(char for char in folded if not char.isspace())
