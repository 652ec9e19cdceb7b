"""The registry of widgets: core reads what a group holds without importing any widget.

Each widget package describes itself in one `WidgetKind` and registers it in its
`init_app` (`register_widget(app, WidgetKind(...))`), which `create_app` calls. Core
reads only the registry: the group page lists every kind's items (`group_order`:
pinned first, then what waits for the reader, open before closed, newest first) and
offers their create links; the group's export asks every exporter;
leaving or removal tells every `on_member_gone` hook
(docs/security.md#leaving-and-removal); the access log masks every kind's
`secret_paths`. `registered_widgets()` lets tests walk them all."""
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from flask import current_app

from grouptools.core.access import Action, can
from grouptools.core.grouplines import lines_together

REGISTRY = "grouptools_widgets"
MEMBER_GONE_REASONS = ("left", "removed")
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True, kw_only=True)
class WidgetSummary:
    """One line of the group page's list. `kind` and `kind_label` are filled in by core
    from the registration whose lister returned the line."""

    title: str
    url: str
    created_at: datetime
    status: str = ""  # translated one-liner: "12 voted · closes 20:00"
    closed: bool = False
    needs_me: bool = False  # the person has not acted on it yet
    pinned: bool = False  # a manager keeps it at the top of the group page
    kind: str = ""  # "poll", "relay", … — also the CSS modifier of its label
    kind_label: str = ""  # translated: "Poll", "接龙", …


@dataclass(frozen=True, kw_only=True)
class WidgetTexts:
    """What the kit's pages say about one kind, as lazy translations (registration runs
    outside a request). `in_group` takes `%(group)s`."""

    in_group: object  # "A poll in %(group)s": the public card's and the preview's line
    closed: object  # flashed after closing: what closing means here
    reopened: object  # flashed after reopening
    confirm_delete: object  # flashed when the delete form comes without its tick: what is lost
    refused: object  # the 409 when a closed widget is sent what it no longer takes


@dataclass(frozen=True)
class PublicItem:
    """One thing a stranger sees on an open group's public card before joining (a poll's
    option: what will be voted on): its `text` and, when it has one, its `image` (an
    core.models.Image row), which strangers may then open too."""

    text: str
    image: object = None


@dataclass(frozen=True, kw_only=True)
class WidgetKind:
    """What core knows of one widget.

    - `key`: "poll", "relay", … — names the kind on the group page (CSS modifier
      `widget-kind-<key>`) and in the registry; unique.
    - `label`: the singular name shown beside each item on the group page, a lazy
      translation (`lazy_gettext("Poll")`) since registration runs outside a request.
    - `lister(group, person)` → WidgetSummary items the person may see, in any order:
      core orders them (`group_order`) by their `pinned`, `needs_me`, `closed` and age.
    - `lines`: a core.grouplines.GroupLines — the same lines read together with every other kind's in
      one statement (the group page's, `widgets_for_group`); a kind without it is asked
      its `lister` (one statement more). tests/core/groups/test_group_lines.py holds
      both to the same lines.
    - `create_link(group)` → (translated label, url) of the create page; core offers it
      only to those who may create widgets in the group.
    - `exporter(group, person)` → (section name, [JSON-ready items]) for the group's
      export, as the API shows them to managers; section names are unique.
    - `on_member_gone(membership, reason)` withdraws, in the widget's open items, what
      the member did for themselves (reason "left" or "removed"). It runs inside the
      caller's transaction, before the membership's status changes, and must not commit.
    - `secret_paths`: regular-expression fragments matching a URL path up to and
      including the slash before a segment that is a secret (whoever holds the link
      holds the thing: `r"/r/+[A-Za-z0-9_-]{10}/+tickets/+"`); the access log masks that
      segment. Repeat slashes with `/+`: the router answers doubled slashes too.
    - `assets`: the widget's own static files ("css/poll.css", "js/poll.js"), paths
      under the app's static folder; base.html links them on every page of the widget's
      page blueprint (`pages`).
    - `model`: its WidgetMixin model; `path`: the first segment of its pages ("p" for
      `/p/<pid>`); `pages`: the name of its page blueprint; `page(widget, **url_for
      arguments)` → the path of the widget's page (`_anchor="list"`, …). From these
      core.widgetpages adds the pages every widget has beneath `/<path>/<id>`: qr.png,
      qr.svg, poster.png, close, reopen, delete.
    - `close(person, widget, closed)` closes or reopens (closed=False) for a manager and
      commits; `texts`: what those pages say (WidgetTexts).
    - `public_facts(widget)` → plain lines a stranger weighs before joining, shown
      first under the public card's title (a relay's time, place and places left).
    - `public_lines(widget)` → the notes under the public card a stranger sees (who sees
      what, how to take part).
    - `public_items(widget)` → [PublicItem] a stranger sees under the public card of a
      group open to anyone with a link (nothing is shown for a group that approves its
      members); `shows_publicly(image)` → whether `image` is among the pictures of any
      such item of the kind: core serves it to strangers, for open groups only
      (docs/security.md#who-can-see-what).
    - `manage_link(widget)` → where the delete form lives (default: the page, #manage).
    - `more_pages`: names of the widget's other page blueprints, whose pages also get
      its `assets` (member cards keep the pages named by the group, /g/<gid>/cards …,
      and by a card, /c/<cid>, apart from the folder's own: their access is the group's
      and the card's, not the one the cross-widget contract test walks).
    - `api`: the name of its JSON API blueprint; `sample(person, group)` → a small
      realistic widget made through its service by a manager: what the cross-widget
      contract test (tests/test_widget_contract.py) walks every route with.
    - `poster_facts(widget)` → core.posters.PosterFact items the share poster shows under
      the title: short lines (places left, a deadline, the day of a challenge) and
      pictures with captions (a poll's options). Only what a stranger may see: the
      poster is public (docs/security.md#who-can-see-what).
    - `on_me_page(person)` → a MeSection of what the person keeps from this kind (a
      check-in's certificates), or None: "Me" shows it without knowing the kind.
    - `my_open_items(person)` → [MyItem] what waits for the person in this kind across
      all their groups (a poll they have not voted in, a place they hold): "Me" lists
      every kind's together, newest first. Read in one or two statements however many
      groups and widgets there are (tests/core/people/test_my_items.py counts them).
    - `activity_counts(group)` → an aggregate select (not executed) of two columns,
      `membership_id` and `count`: how many things each member did in this kind in the
      group (votes, sign-ups, confirmations …), one row per member; core restricts it
      to the members it shows and reads every kind's in one statement. A secret ballot
      counts as taking part and says nothing more. The group dashboard shows them
      (docs/architecture.md#the-group-dashboard).
    - `activity_times(group)` → a select (not executed) of two columns, `membership_id`
      and `at` (aware UTC), one row per dated thing a member did; core unions every
      kind's into one statement for the dashboard's weekly chart. Things that must
      carry no time (a secret ballot) are left out. (A member's last activity is core's
      own `Membership.last_active_at`, which a kind moves with
      core.groups.service.record_activity.)

    Moving a group to another server (export.zip / import; core.transfer):
    - `transfer`: a core.transfer.WidgetTransfer — `export_data(widget, refs)`,
      `import_data(group, data, refs)`, `export_csv(person, widget)` — or None for a
      kind whose widgets the group's zip does not carry yet (the export says so).
    """

    key: str
    label: object
    lister: Callable
    lines: object = None
    create_link: Callable | None = None
    exporter: Callable | None = None
    on_member_gone: Callable | None = None
    secret_paths: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    model: type
    path: str
    pages: str
    page: Callable
    close: Callable
    texts: WidgetTexts
    api: str
    sample: Callable
    public_facts: Callable = lambda widget: ()
    public_lines: Callable = lambda widget: ()
    public_items: Callable | None = None
    shows_publicly: Callable | None = None
    manage_link: Callable | None = None
    more_pages: tuple[str, ...] = ()
    on_me_page: Callable | None = None
    poster_facts: Callable = lambda widget: ()
    my_open_items: Callable | None = None
    activity_counts: Callable | None = None
    activity_times: Callable | None = None
    # --- moving a group to another server (export.zip / import): core.transfer ---
    transfer: object = None

    # --- Copying a widget (core/copying.py, docs/api.md#copying-a-widget) ---------------
    # - `copy(person, widget, group)` → a new open widget of the kind in `group` (the
    #   widget's own or another the person manages) with the widget's settings and none
    #   of its responses, added to the session and not committed: core.copying decides
    #   who may copy where and commits. It builds the rows with core.copying's
    #   `common_columns`, `picture_for` and `members_in`. None: the kind is not copied
    #   (member cards, one folder per group): copying answers 409.
    copy: Callable | None = None
    # --- end of copying ---------------------------------------------------------------

    def __post_init__(self):
        if not KEY_PATTERN.fullmatch(self.key):
            raise ValueError(f"widget key {self.key!r}: lower-case letters, digits, underscores")
        for fragment in self.secret_paths:
            re.compile(fragment)  # a broken pattern fails at start-up, not in the log


def register_widget(app, kind):
    """Add `kind` (a WidgetKind) to `app`'s registry; a key or export section used
    twice is a programming error."""
    if not isinstance(kind, WidgetKind):
        raise TypeError("register_widget(app, WidgetKind(...))")
    registry = app.extensions.setdefault(REGISTRY, {})
    if kind.key in registry:
        raise ValueError(f"widget {kind.key!r} is registered already")
    registry[kind.key] = kind


def kind_of(widget):
    """The registration of `widget`'s model."""
    for kind in registered_widgets():
        if isinstance(widget, kind.model):
            return kind
    raise LookupError(f"{type(widget).__name__} is not a registered widget")


def kind_for_blueprint(name, app=None):
    """The registration whose page blueprint (or one of its `more_pages`) is `name`, or None."""
    return next((kind for kind in registered_widgets(app)
                 if name == kind.pages or name in kind.more_pages), None)


@dataclass(frozen=True)
class MeItem:
    """One thing on the "Me" page: `title`, `detail` (translated), where it leads
    (`url`) and a picture (`picture`, a site address, or None) with its `alt` text."""

    title: str
    detail: str
    url: str
    picture: str | None = None
    alt: str = ""


@dataclass(frozen=True)
class MeSection:
    key: str  # the section's id on the page
    heading: str
    items: list


@dataclass(frozen=True, kw_only=True)
class MyItem:
    """One line of "Me"'s list of what waits for the person: the widget's `title` and
    `url`, the `group`'s name, a short translated `state` ("Not voted yet", "No. 3",
    "Waitlist 2") and the time it is sorted by (`at`, newest first). `news` marks a
    change the person should notice (they moved up from a waitlist). `kind` and
    `kind_label` are filled in by core from the registration that returned it."""

    title: str
    url: str
    group: str
    state: str
    at: datetime
    news: bool = False
    kind: str = ""
    kind_label: str = ""


MY_ITEMS_SHOWN = 50


def my_items(person, limit=MY_ITEMS_SHOWN):
    """[MyItem] of every kind, newest first: what "Me" lists across the person's groups."""
    items = []
    for kind in registered_widgets():
        if kind.my_open_items is None:
            continue
        label = str(kind.label)
        items.extend(replace(item, kind=kind.key, kind_label=label)
                     for item in kind.my_open_items(person))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def me_sections(person):
    """[MeSection] every kind shows a person on "Me", those with items only."""
    sections = (kind.on_me_page(person) for kind in registered_widgets() if kind.on_me_page)
    return [section for section in sections if section is not None and section.items]


def public_items(widget):
    """[PublicItem] of `widget` a stranger may see: only where its group is open to anyone
    with a link, and only from kinds that offer them."""
    kind = kind_of(widget)
    if kind.public_items is None or widget.group.join_policy != "open":
        return []
    return list(kind.public_items(widget))


def shown_to_strangers(image):
    """Whether a picture of an open group is among some widget's public items."""
    if image.group is None or image.group.join_policy != "open":
        return False
    return any(kind.shows_publicly(image) for kind in registered_widgets()
               if kind.shows_publicly is not None)


def registered_widgets(app=None):
    """Every registered WidgetKind, in registration order."""
    app = current_app if app is None else app
    return tuple(app.extensions.get(REGISTRY, {}).values())


def member_gone(membership, reason):
    """Tell every widget that a member is leaving or being removed
    (docs/security.md#leaving-and-removal)."""
    assert reason in MEMBER_GONE_REASONS, reason
    for kind in registered_widgets():
        if kind.on_member_gone is not None:
            kind.on_member_gone(membership, reason)


def export_widgets(group, person):
    """{section: [items]}: every widget's data as its managers see it through the API."""
    exported = {}
    for kind in registered_widgets():
        if kind.exporter is None:
            continue
        section, items = kind.exporter(group, person)
        if section in exported:
            raise ValueError(f"two widgets export the section {section!r}")
        exported[section] = items
    return exported


def activity_counts(group):
    """{kind key: its select of (membership_id, count)} for every kind that reports
    activity, to be joined to the roster by the caller."""
    return {kind.key: kind.activity_counts(group) for kind in registered_widgets()
            if kind.activity_counts is not None}


def activity_times(group):
    """Every kind's dated actions in the group as selects of (membership_id, at), to be
    unioned into one statement by the caller."""
    return [kind.activity_times(group) for kind in registered_widgets()
            if kind.activity_times is not None]


def widgets_for_group(group, person):
    """The group page's lines the person may see, in `group_order`: the kinds that have
    `lines` read in one statement, the others through their `lister`."""
    kinds = registered_widgets()
    items = []
    together = tuple(kind for kind in kinds if kind.lines is not None)
    if together:
        items.extend(lines_together(together, group, person))
    for kind in kinds:
        if kind.lines is None:
            label = str(kind.label)
            items.extend(replace(item, kind=kind.key, kind_label=label)
                         for item in kind.lister(group, person))
    return sorted(items, key=group_order)


def group_order(item):
    """Where a line goes on the group page: pinned lines on top, then among open lines
    those that wait for the reader ("needs me"), then the other open lines, closed ones
    last; newest first within each. A closed line never waits for anyone."""
    return (not item.pinned, item.closed, item.closed or not item.needs_me,
            -item.created_at.timestamp())


def create_links_for_group(group, person):
    """The "new poll", "new sign-up list" … links, for those who may create here."""
    if not can(person, Action.CREATE_WIDGET, group):
        return []
    return [kind.create_link(group) for kind in registered_widgets() if kind.create_link]
