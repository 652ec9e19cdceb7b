"""Which punctuation a chat text uses: ASCII (English) or full-width (Chinese).

A message pasted into a chat reads as one language, so it keeps to one style: `，：（）`
in Chinese, `,:()` in English. Times (18:30), numbers (1,000) and links are not
punctuation, and neither are the names, titles and places people typed (tests keep
those free of punctuation)."""
import re

ASCII = set(",:;()?!")
FULL_WIDTH = set("，：；（）。、？！《》「」【】")
LINK = re.compile(r"https?://\S+")
# A colon or comma between digits is a time or a number: 18:30, 9:00, 1,000.
BETWEEN_DIGITS = re.compile(r"(?<=[0-9])[:,](?=[0-9])")


def punctuation_styles(text):
    """{"ascii", "full-width"}: the styles of punctuation `text` uses (empty: none)."""
    text = BETWEEN_DIGITS.sub("", LINK.sub("", text))
    styles = set()
    if ASCII & set(text):
        styles.add("ascii")
    if FULL_WIDTH & set(text):
        styles.add("full-width")
    return styles


STYLE_OF = {"zh": "full-width", "en": "ascii"}


def assert_one_style(text, language):
    """`text` uses the punctuation of `language` ("zh" or "en") and no other."""
    used = punctuation_styles(text)
    assert used <= {STYLE_OF[language]}, f"{language} text mixes punctuation {used}: {text!r}"
