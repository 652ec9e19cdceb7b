"""Cards as vCards (3.0): the download, the folder's export, and the contact QR code
whose payload is the vCard itself, so a phone's camera offers to save the contact.

A vCard holds only what its reader may see (a service.CardView's `values`)."""
import vobject
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M

from grouptools.card.settings import international_phone
from grouptools.core.i18n import labelled
from grouptools.core.share import data_modules, image_png, modules_image

# Properties of their own; every other value goes into NOTE as "label: value".
OWN_PROPERTIES = ("name", "phone", "email", "company", "title", "city")
# A code with more modules than this is hard for a phone's camera to read off a screen:
# the contact code drops its note, then lowers its error correction, before it grows.
CONTACT_VERSION_MAX = 20
CONTACT_SIZE_PX = 720


def vcard(view, url=None):
    """The vCard of one card as text (CRLF lines, folded as RFC 2426 says)."""
    values = view.values
    card = vobject.vCard()
    name = values.get("name") or view.display_name
    card.add("fn").value = name
    card.add("n").value = vobject.vcard.Name(family=name)
    if values.get("phone"):
        tel = card.add("tel")
        tel.value = international_phone(values["phone"])
        tel.type_param = "CELL"
    if values.get("email"):
        email = card.add("email")
        email.value = values["email"]
        email.type_param = "INTERNET"
    if values.get("company"):
        card.add("org").value = [values["company"]]
    if values.get("title"):
        card.add("title").value = values["title"]
    if values.get("city"):
        card.add("adr").value = vobject.vcard.Address(city=values["city"])
    for field, value in view.shown_fields:
        if field.type == "url":
            card.add("url").value = value
    note = _note(view)
    if note:
        card.add("note").value = note
    if url:
        card.add("url").value = url
    return card.serialize()


def _note(view):
    return "\n".join(labelled(field.shown_label, value) for field, value in view.shown_fields
                     if field.key not in OWN_PROPERTIES and field.type != "url")


def vcards(views):
    """One .vcf file with every card, one after another."""
    return "".join(vcard(view) for view in views)


def _compact(view, keys=OWN_PROPERTIES):
    """The view with only `keys` (no NOTE): for a code that must stay small."""
    kept = {key: value for key, value in view.values.items() if key in keys}
    return type(view)(view.card, view.folder, [f for f in view.fields if f.key in kept],
                      kept, view.sees_private, view.display_name)


def contact_modules(view):
    """The contact code's modules (core.share.data_modules): the whole card at M when
    it fits in CONTACT_VERSION_MAX, else without its note, else at L; else name, phone
    and e-mail alone (which always fit: each value is at most 200 characters). The
    modules of the try that fits are the code, so they are made once."""
    full, compact = vcard(view), vcard(_compact(view))
    tries = ((full, ERROR_CORRECT_M), (compact, ERROR_CORRECT_M), (compact, ERROR_CORRECT_L))
    for text, level in tries:
        try:
            modules = data_modules(text, level)
        except ValueError:
            continue
        if (len(modules) - 25) // 4 <= CONTACT_VERSION_MAX:  # 17 + 4·version + quiet zone
            return modules
    return data_modules(vcard(_compact(view, ("name", "phone", "email"))), ERROR_CORRECT_L)


def contact_png(view):
    return image_png(modules_image(contact_modules(view), CONTACT_SIZE_PX))
