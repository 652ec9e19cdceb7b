"""A group's zip (core.groups.exportzip) made into a new group on this server
(docs/architecture.md#moving-a-group-to-another-server).

The importer becomes the owner of a new group (importing a file twice makes two);
everyone else comes back as a placeholder membership that a manager hands out with the
one-time links of core.groups.moves. Everything is checked before anything is stored —
the archive (no zip bombs: sizes declared and read are both capped; no paths outside
it), the format marker, group.json against its schemas, each picture with the upload
checks of core.images — and the group is written in one transaction: a refusal keeps
nothing."""
import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from grouptools.core.errors import DomainError, Invalid
from grouptools.core.fields import AwareDateTime, Schema, Text, VisibleText
from grouptools.core.timeutil import utcnow
from grouptools.core.groups.exportzip import FORMAT, VERSION, image_path
from grouptools.core.groups.schemas import GroupSettingsSchema
from grouptools.core.images import MAX_UPLOAD_BYTES, normalise_image, open_picture
from grouptools.core.models import Group, Image, Membership, Person, hash_secret
from grouptools.core.people.service import new_token
from grouptools.core.transfer import ImportRefs
from grouptools.core.widgets import registered_widgets
from grouptools.extensions import db

MAX_IMPORT_BYTES = 64 * 1024 * 1024  # the upload itself (the route's body limit)
MAX_UNCOMPRESSED = 256 * 1024 * 1024  # everything read out of it, together
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # deflate reaches ~1000 only on data made to do it
MAX_MEMBERS = 20_000
MAX_WIDGETS = 2_000
CHUNK = 64 * 1024
IMAGE_NAME = re.compile(r"images/[0-9a-f]{64}\.(jpg|png|webp|gif)")


class ImportRefused(DomainError):
    """The file cannot become a group; the message says what is wrong with it."""

    status = 422

    def __init__(self, message):
        super().__init__(message, errors={"file": [str(message)]})


DAMAGED = _l("This file is damaged or incomplete (it is not a whole zip file). "
             "Download the export again.")
FOREIGN = _l("This is not a group exported from grouptools (group.json is missing or "
             "is not ours).")
TOO_BIG = _l("This file unpacks to more than is allowed (%(megabytes)d MB), or is packed "
             "suspiciously tightly: it is refused.", megabytes=MAX_UNCOMPRESSED // (1024 * 1024))
BAD_PATH = _l("This file holds a path outside its folder (%(path)s): it is refused.")


# --- the archive -------------------------------------------------------------------

def _safe_name(name):
    parts = name.replace("\\", "/").split("/")
    return not (name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name)
                or ".." in parts or "\x00" in name)


class Archive:
    """The zip's entries, read with the sizes capped while reading (headers can lie)."""

    def __init__(self, fileobj):
        try:
            self.zip = zipfile.ZipFile(fileobj)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            raise ImportRefused(DAMAGED) from None
        if len(infos) > MAX_ENTRIES:
            raise ImportRefused(TOO_BIG)
        declared = 0
        self.entries = {}
        for info in infos:
            if not _safe_name(info.filename):
                raise ImportRefused(BAD_PATH % {"path": info.filename[:80]})
            declared += info.file_size
            if info.file_size > CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ImportRefused(TOO_BIG)
            self.entries[info.filename] = info
        if declared > MAX_UNCOMPRESSED:
            raise ImportRefused(TOO_BIG)
        self.read_so_far = 0

    def read(self, name, limit):
        """The entry's bytes, at most `limit` of them and within the archive's budget."""
        info = self.entries.get(name)
        if info is None:
            return None
        parts, size = [], 0
        try:
            with self.zip.open(info) as entry:
                while chunk := entry.read(CHUNK):
                    size += len(chunk)
                    self.read_so_far += len(chunk)
                    if size > limit or self.read_so_far > MAX_UNCOMPRESSED:
                        raise ImportRefused(TOO_BIG)
                    parts.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                NotImplementedError, RuntimeError):
            raise ImportRefused(DAMAGED) from None
        return b"".join(parts)


# --- group.json --------------------------------------------------------------------

class MemberSchema(Schema):
    ref = Text(required=True, max_length=16)
    name = VisibleText(required=True, min_length=1, max_length=Person.NAME_MAX)
    nickname = VisibleText(allow_none=True, max_length=Membership.NICKNAME_MAX)
    role = Text(required=True, max_length=16, validate=[validate.OneOf(Membership.ROLES)])
    status = Text(required=True, max_length=16, validate=[validate.OneOf(Membership.STATUSES)])
    answer = Text(allow_none=True, max_length=Membership.ANSWER_MAX)
    joined_at = AwareDateTime(allow_none=True)
    last_active_at = AwareDateTime(allow_none=True)


class ImageEntrySchema(Schema):
    ref = Text(required=True, max_length=64, validate=[validate.Regexp(r"[0-9a-f]{64}")])
    file = Text(required=True, max_length=80, validate=[validate.Regexp(IMAGE_NAME)])
    mime = Text(required=True, max_length=32)
    uploaded_by = Text(allow_none=True, max_length=16)


class WidgetEntrySchema(Schema):
    kind = Text(required=True, max_length=32)
    csv = Text(max_length=200, allow_none=True)
    data = fields.Dict(required=True)


class GroupEntrySchema(GroupSettingsSchema):
    name = VisibleText(required=True, min_length=1, max_length=Group.NAME_MAX)
    created_at = AwareDateTime(allow_none=True)


class GroupFileSchema(Schema):
    format = Text(required=True, max_length=40, validate=[validate.Equal(FORMAT)])
    version = fields.Integer(required=True, strict=True, validate=[validate.Equal(VERSION)])
    exported_at = AwareDateTime()
    group = fields.Nested(GroupEntrySchema, required=True)
    members = fields.List(fields.Nested(MemberSchema), required=True,
                          validate=[validate.Length(max=MAX_MEMBERS)])
    images = fields.List(fields.Nested(ImageEntrySchema), load_default=list)
    widgets = fields.List(fields.Nested(WidgetEntrySchema), load_default=list,
                          validate=[validate.Length(max=MAX_WIDGETS)])
    not_included = fields.List(Text(max_length=32), load_default=list)


def read_group_file(archive):
    raw = archive.read("group.json", MAX_JSON_BYTES)
    if raw is None:
        raise ImportRefused(FOREIGN)
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested past any export
        raise ImportRefused(FOREIGN) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(FOREIGN)
    if document.get("version") != VERSION:
        raise ImportRefused(_l("This export comes from a newer or older version of grouptools "
                               "(format version %(version)s) that this server cannot read.",
                               version=str(document.get("version"))[:10]))
    try:
        return GroupFileSchema().load(document)
    except ValidationError as error:
        raise Invalid({"file": [str(_l("group.json is not valid: see the fields below."))],
                       "group_json": error.messages},
                      message=_l("group.json in this file is not valid.")) from None


# --- pictures ----------------------------------------------------------------------

@dataclass
class CheckedPicture:
    ref: str
    data: bytes
    picture: object  # the NormalisedImage whose thumbnail is kept
    uploaded_by: str | None


def check_pictures(archive, entries):
    """Each listed picture read, matched to its hash and checked as an upload is."""
    checked = []
    for position, entry in enumerate(entries):
        data = archive.read(entry["file"], MAX_UPLOAD_BYTES)
        if data is None or hashlib.sha256(data).hexdigest() != entry["ref"]:
            raise ImportRefused(_l("The picture %(file)s is missing or damaged.",
                                   file=entry["file"]))
        try:
            normalised = normalise_image(open_picture(data))
        except DomainError as error:
            raise ImportRefused(_l("%(file)s: %(problem)s", file=entry["file"],
                                   problem=str(error.message))) from None
        checked.append(CheckedPicture(entry["ref"], data, normalised, entry.get("uploaded_by")))
    return checked


# --- the new group -----------------------------------------------------------------

def _placeholder(entry):
    """A person who has not come yet: a name, and a token nobody holds."""
    return Person(name=entry["name"], token_hash=hash_secret(new_token()))


def import_group(person, fileobj):
    """A new group from the zip in `fileobj`, owned by `person`; nothing is stored when
    anything in the file is refused."""
    archive = Archive(fileobj)
    document = read_group_file(archive)
    kinds = {kind.key: kind for kind in registered_widgets() if kind.transfer is not None}
    for position, widget in enumerate(document["widgets"]):
        if widget["kind"] not in kinds:
            raise Invalid({"group_json": {"widgets": {position: {"kind": [
                str(_l("This server has no widget of this kind."))]}}}})
    listed = {entry["file"] for entry in document["images"]}
    for name in archive.entries:
        if name.startswith("images/") and name not in listed and not name.endswith("/"):
            raise ImportRefused(_l("The picture %(file)s is not listed in group.json.",
                                   file=name[:80]))
    # Decoding takes a while: end the transaction that read who is asking, so SQLite's
    # write lock is not held meanwhile (as core.uploads does).
    db.session.commit()
    pictures = check_pictures(archive, document["images"])
    try:
        group = _store(person, document, pictures, kinds)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportRefused(_l("The data in this file contradict each other (two entries "
                               "where one is allowed, a number out of range …).")) from None
    except (DomainError, SQLAlchemyError):
        db.session.rollback()
        raise
    return group


def _store(person, document, pictures, kinds):
    settings = document["group"]
    group = Group(**{key: value for key, value in settings.items() if key != "created_at"})
    if settings.get("created_at"):
        group.created_at = settings["created_at"]
    if not group.join_question:
        group.join_question = None
    db.session.add(group)
    members, people, owner_taken = {}, {}, False
    for entry in document["members"]:
        if entry["ref"] in members:
            raise Invalid({"group_json": {"members": [str(_l("A member is listed twice."))]}})
        is_owner = entry["role"] == "owner" and not owner_taken
        holder = person if is_owner else _placeholder(entry)
        nickname = entry["nickname"]
        if is_owner and nickname is None and entry["name"] != person.name:
            nickname = entry["name"]  # the others keep seeing the name they knew
        # One owner, the importer: a second owner in the file comes back as an admin.
        role = "admin" if entry["role"] == "owner" and not is_owner else entry["role"]
        membership = Membership(
            group=group, person=holder, role=role,
            status="active" if is_owner else entry["status"], nickname=nickname,
            answer=entry["answer"], joined_at=entry["joined_at"],
            # Every membership has a last activity (the dashboard's index): when it joined
            # if the file says nothing since.
            last_active_at=entry["last_active_at"] or entry["joined_at"] or utcnow(),
            placeholder=not is_owner)
        owner_taken = owner_taken or is_owner
        db.session.add(membership)
        members[entry["ref"]], people[entry["ref"]] = membership, holder
    if not owner_taken:
        db.session.add(Membership(group=group, person=person, role="owner", status="active",
                                  joined_at=group.created_at, last_active_at=utcnow(),
                                  placeholder=False))
    db.session.flush()
    images = {}
    for picture in pictures:
        if picture.ref in images:
            continue
        normalised = picture.picture
        uploader = people.get(picture.uploaded_by, person)
        image = Image(group=group, uploader_id=uploader.id, mime=normalised.mime,
                      width=normalised.width, height=normalised.height, data=picture.data,
                      thumb_mime=normalised.mime, thumb_width=normalised.thumb_width,
                      thumb_height=normalised.thumb_height, thumb_data=normalised.thumb,
                      digest=picture.ref)
        _true_size(image, picture.data)
        db.session.add(image)
        images[picture.ref] = image
    db.session.flush()
    refs = ImportRefs(group, members, people, images, person)
    for position, widget in enumerate(document["widgets"]):
        try:
            kinds[widget["kind"]].transfer.import_data(group, widget["data"], refs)
            db.session.flush()
        except Invalid as error:
            raise Invalid({"group_json": {"widgets": {position: {"data": error.errors}}}},
                          message=_l("A widget in this file is not valid: nothing was "
                                     "imported.")) from None
    return group


def _true_size(image, data):
    """The stored picture's own size and type (the normalised copy only gave the
    thumbnail): the file's bytes are kept as they are, so pictures survive byte for byte."""
    picture = open_picture(data)
    image.width, image.height = picture.size
    image.mime = MIME_OF_FORMAT.get(picture.format, image.mime)


MIME_OF_FORMAT = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png",
              "WEBP": "image/webp", "GIF": "image/gif"}
