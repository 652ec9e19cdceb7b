"""Plain text on pages: escaped, and its web links tappable even inside Chinese text."""
import pytest

from grouptools.core.plaintext import copy_rows, linkify


def test_text_is_escaped_and_nothing_but_http_links_become_links():
    shown = str(linkify("<script>alert(1)</script> & javascript:alert(1) <b>x</b>"))
    assert shown == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; javascript:alert(1) &lt;b&gt;x&lt;/b&gt;"


@pytest.mark.parametrize("text, url, after", [
    ("报名：https://example.org/a?x=1&y=2，截止周五", "https://example.org/a?x=1&amp;y=2", "，截止周五"),
    ("见 http://b.cn/路。", "http://b.cn/路", "。"),
    ("See https://a.cn/x.", "https://a.cn/x", "."),
    ("(https://a.cn/x)", "https://a.cn/x", ")"),
    ("https://zh.wikipedia.org/wiki/X_(Y)", "https://zh.wikipedia.org/wiki/X_(Y)", ""),
    ('https://a.cn/"onmouseover="alert(1)', "https://a.cn/", "&#34;onmouseover"),
])
def test_links_end_where_the_sentence_goes_on(text, url, after):
    shown = str(linkify(text))
    assert f'<a href="{url}" rel="noopener noreferrer nofollow">{url}</a>{after}' in shown


def test_no_link_in_an_empty_or_bare_scheme():
    assert str(linkify("")) == "" and str(linkify("http://")) == "http://"


def test_a_copy_box_has_a_row_for_each_line_and_for_each_wrap_of_a_long_one():
    assert copy_rows("") == 3 and copy_rows("#接龙\n周六羽毛球\n1. 甲\n2. 乙\nhttp://x.test/r/a") == 5
    # A Chinese character takes two columns: 40 of them wrap to three rows of 32 columns.
    assert copy_rows("#接龙\n" + "羽" * 40 + "\nhttp://x.test/r/a") == 1 + 3 + 1
    assert copy_rows("@Badminton friend " * 10 + "\nhttp://x.test/p/a") == 6 + 1
