"""The whole group as one zip for its owner to take to another server
(docs/architecture.md#moving-a-group-to-another-server).

`group.json` holds the settings, the members (names, roles, statuses, dates: never a
token or a secret), the pictures' list and every widget through its kind's
`transfer.export_data` (core.transfer); `images/<sha256>.<ext>` the pictures as they
are stored; `csv/` each widget's own CSV export. It is written to a temporary file,
one picture at a time, so a group with many photos never sits in memory whole."""
import json
import tempfile
import zipfile

from sqlalchemy import select
from sqlalchemy.orm import load_only

from grouptools.core.access import Action, authorize
from grouptools.core.groups.service import SETTINGS
from grouptools.core.models import Image, Membership, Person
from grouptools.core.transfer import ExportRefs
from grouptools.core.timeutil import utcnow
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db

FORMAT = "grouptools-group"
VERSION = 1
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def image_path(digest, mime):
    return f"images/{digest}.{EXTENSIONS.get(mime, 'bin')}"


def _members(group):
    """Every membership of the group, in the order they joined, with its reference."""
    rows = db.session.execute(
        select(Membership, Person.name).join(Person, Person.id == Membership.person_id)
        .where(Membership.group_id == group.id)
        .order_by(Membership.joined_at.is_(None), Membership.joined_at, Membership.id)
    ).all()
    return [(f"m{number}", membership, name)
            for number, (membership, name) in enumerate(rows, start=1)]


def _member_entry(ref, membership, name):
    def when(at):
        return at.isoformat() if at else None
    return {"ref": ref, "name": name, "nickname": membership.nickname,
            "role": membership.role, "status": membership.status,
            "answer": membership.answer, "joined_at": when(membership.joined_at),
            "last_active_at": when(membership.last_active_at)}


def _widgets_of(kind, group):
    return db.session.scalars(select(kind.model).where(kind.model.group_id == group.id)
                              .order_by(kind.model.id)).all()


def _csv_text(csv):
    return csv if isinstance(csv, str) else "".join(csv)


def write_group_zip(person, group, target):
    """Write the group's zip to the binary file `target` (the owner only: 403/404 as
    core.access decides)."""
    authorize(person, Action.EXPORT_GROUP, group)
    members = _members(group)
    refs = ExportRefs({m.id: ref for ref, m, _ in members},
                      {m.person_id: ref for ref, m, _ in members})
    widgets, not_included = [], []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in registered_widgets():
            if kind.transfer is None:
                not_included.append(kind.key)
                continue
            for number, widget in enumerate(_widgets_of(kind, group), start=1):
                csv_name = f"csv/{kind.key}-{number}.csv" if kind.transfer.export_csv else None
                widgets.append({"kind": kind.key, "csv": csv_name,
                                "data": kind.transfer.export_data(widget, refs)})
                if csv_name:
                    archive.writestr(csv_name, _csv_text(kind.transfer.export_csv(person, widget)))
        images = []
        for image_id in sorted(refs.images):
            # One picture's bytes at a time; the session forgets each after writing it.
            image = db.session.scalar(select(Image).where(Image.id == image_id).options(
                load_only(Image.id, Image.digest, Image.mime, Image.uploader_id, Image.data)))
            path = image_path(image.digest, image.mime)
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)),
                             image.data, compress_type=zipfile.ZIP_STORED)
            images.append({"ref": image.digest, "file": path, "mime": image.mime,
                           "uploaded_by": refs.person(image.uploader_id)})
            db.session.expunge(image)
        document = {
            "format": FORMAT, "version": VERSION, "exported_at": utcnow().isoformat(),
            "group": {"created_at": group.created_at.isoformat(),
                      **{key: getattr(group, key) for key in SETTINGS}},
            "members": [_member_entry(*member) for member in members],
            "images": images,
            "widgets": widgets,
            # Kinds whose widgets this version does not carry yet: they stay behind.
            "not_included": not_included,
        }
        archive.writestr("group.json", json.dumps(document, ensure_ascii=False, indent=1))


def group_zip(person, group):
    """The zip in a temporary file, rewound, for sending."""
    target = tempfile.TemporaryFile()
    try:
        write_group_zip(person, group, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target
