"""Avatars drawn in Python for long lists (core.avatarrow) are the `avatar` macro's,
byte for byte: a page looks the same whichever draws them."""
from flask import render_template_string

from grouptools.core.avatarrow import avatar_html, avatar_row
from grouptools.core.avatars import Avatar, person_avatar

MACRO = ('{% import "_macros.html" as ui %}'
         '{% for who in people %}{{ ui.avatar(who, size) }}{% endfor %}')


def test_avatars_drawn_in_python_are_the_macros(app):
    people = [person_avatar("p_alice01", "alice"), person_avatar("p_zhang01", "<张三>"),
              person_avatar("p_photo01", "Bob", "img_photo1"),
              Avatar("g_group01", "&", 3)]
    with app.test_request_context("/"):
        for size in (None, "small", "large"):
            expected = render_template_string(MACRO, people=people, size=size)
            assert avatar_row(people, size) == expected
            assert "".join(avatar_html(who, size) for who in people) == expected
        assert "&lt;" in avatar_row(people)  # an initial is escaped, never markup
        assert "/img_photo1" in avatar_row(people)
        assert avatar_row([]) == ""
