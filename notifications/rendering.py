"""Turn an outbox row into an e-mail: subject, text and HTML from `templates/notifications/<kind>.*`.

The row refers to what it is about by model name and id. This app sits below matching and meetings, so it never
imports them: the object is loaded through the app registry, and apps above register attachment makers (a
meeting's .ics) in their `AppConfig.ready()`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.template import Context, TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.urls import NoReverseMatch
from django.utils import timezone

from notifications.models import Notification

FALLBACK_KIND = "_generic"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str
    #: Content-Type parameters beside the type: an invitation's `method` (RFC 6047), which mail clients read.
    params: tuple[tuple[str, str], ...] = ()

    def mime_part(self) -> MIMEBase:
        """The attachment as a MIME part, with its Content-Type parameters (Django's `attach` takes none)."""
        maintype, subtype = self.mimetype.split("/", 1)
        part: MIMEBase
        if maintype == "text":
            part = MIMEText(self.content.decode(), subtype, "utf-8")
        else:
            part = MIMEBase(maintype, subtype)
            part.set_payload(self.content)
            encoders.encode_base64(part)
        for name, value in self.params:
            part.set_param(name, value)
        part.add_header("Content-Disposition", "attachment", filename=self.filename)
        return part


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)


AttachmentMaker = Callable[[Notification, Any], Attachment | None]
_attachment_makers: dict[str, AttachmentMaker] = {}
_object_querysets: dict[str, Callable[[], models.QuerySet[Any]]] = {}
_as_sent: dict[str, Callable[[Any, Notification], Any]] = {}


def register_attachment(object_type: str, maker: AttachmentMaker) -> None:
    """Let a higher app attach a file to every e-mail about its objects (meetings attach their .ics)."""
    _attachment_makers[object_type] = maker


def register_object_queryset(object_type: str, queryset: Callable[[], models.QuerySet[Any]]) -> None:
    """Let a higher app say how to load its objects for a template (with the joins its templates need), so an
    e-mail renders from one query instead of one per related row."""
    _object_querysets[object_type] = queryset


def register_as_sent(object_type: str, as_sent: Callable[[Any, Notification], Any]) -> None:
    """Let a higher app say how its object looked when a message about it was written (a meeting's time then,
    from the message's occurrence), so an old message in the inbox does not read today's state."""
    _as_sent[object_type] = as_sent


@cache
def model_for(object_type: str) -> type[models.Model] | None:
    """The model whose `_meta.model_name` is `object_type` ("match", "meeting"), found by name only."""
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return model
    return None


def _queryset_for(object_type: str) -> models.QuerySet[Any] | None:
    make_queryset = _object_querysets.get(object_type)
    if make_queryset is not None:
        return make_queryset()
    model = model_for(object_type)
    return model._default_manager.all() if model is not None else None


def load_object(notification: Notification) -> Any:
    """What one message is about, or None (about nothing, or about something deleted since)."""
    return load_objects([notification]).get(_about(notification))


def _about(notification: Notification) -> tuple[str, int | None]:
    return notification.object_type, notification.object_id


def load_objects(notifications: Iterable[Notification]) -> dict[tuple[str, int | None], Any]:
    """What a page of messages is about, by (object_type, id): one query per kind of object, not one per message."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for notification in notifications:
        if notification.object_type and notification.object_id is not None:
            wanted[notification.object_type].add(notification.object_id)
    found: dict[tuple[str, int | None], Any] = {}
    for object_type, ids in wanted.items():
        queryset = _queryset_for(object_type)
        if queryset is not None:
            found.update(((object_type, pk), obj) for pk, obj in queryset.order_by().in_bulk(ids).items())
    return found


def template_names(kind: str, part: str) -> list[str]:
    return [f"notifications/{kind}.{part}", f"notifications/{FALLBACK_KIND}.{part}"]


def has_own_templates(kind: str) -> bool:
    for part in ("subject.txt", "txt", "html"):
        try:
            select_template([f"notifications/{kind}.{part}"])
        except TemplateDoesNotExist:
            return False
    return True


def build_context(notification: Notification, obj: Any, *, as_of: datetime) -> dict[str, Any]:
    """`as_of`: the moment the message speaks from, for "in 5 hours": when the e-mail leaves (which can be later
    than planned), or, in the inbox, the moment it was due (the time the inbox shows beside it)."""
    context = {
        **notification.context,
        "notification": notification,
        "as_of": as_of,
        "recipient": notification.recipient,
        "obj": obj,
        "site_url": settings.SITE_URL,
    }
    context["link"] = _render_link(notification.kind, context)
    return context


def _render_link(kind: str, context: dict[str, Any]) -> str:
    """The path (no host) of the page a notification asks its reader to open, from `<kind>.link.txt`: the same
    link in the e-mail (after SITE_URL) and in the inbox. "" for a kind without one."""
    try:
        template = select_template([f"notifications/{kind}.link.txt"])
    except TemplateDoesNotExist:
        return ""
    try:
        return template.render(context).strip()
    except NoReverseMatch:
        if context["obj"] is not None:
            raise  # a wrong URL name or argument in the template: a bug to see, not to hide
        # A message written without its object (by an operator or a test): no page to open, but the message
        # itself must still go out. The e-mail then points at the site.
        return ""


def _plain(names: list[str], context: dict[str, Any]) -> str:
    """A plain-text part: nothing is HTML-escaped ("Surgery & Trauma", not "Surgery &amp; Trauma")."""
    return select_template(names).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined,no-any-return]


def _subject(kind: str, context: dict[str, Any]) -> str:
    subject = _plain(template_names(kind, "subject.txt"), context)
    # A header cannot hold a newline; templates often end with one.
    return " ".join(subject.split())[:200]


@dataclass(frozen=True)
class InboxEntry:
    notification: Notification
    subject: str
    link: str  # the page to open, as in the e-mail ("" when there is none)


def inbox_entries(notifications: Iterable[Notification]) -> list[InboxEntry]:
    """A page of the inbox: its objects loaded together, then each message's subject and link."""
    notifications = list(notifications)
    objects = load_objects(notifications)
    entries = []
    for notification in notifications:
        obj = objects.get(_about(notification))
        as_sent = _as_sent.get(notification.object_type)
        if obj is not None and as_sent is not None:
            obj = as_sent(obj, notification)
        context = build_context(notification, obj, as_of=notification.due_at)
        entries.append(InboxEntry(notification, _subject(notification.kind, context), context["link"]))
    return entries


def inbox_entry(notification: Notification) -> InboxEntry:
    return inbox_entries([notification])[0]


class ObjectGone(Exception):
    """The row is about an object that was deleted since (a match removed with its meetings)."""


def render_email(notification: Notification) -> RenderedEmail:
    obj = load_object(notification)
    if obj is None and notification.object_id is not None:
        raise ObjectGone(f"{notification.object_type} {notification.object_id} no longer exists.")
    context = build_context(notification, obj, as_of=timezone.now())
    rendered = RenderedEmail(
        subject=_subject(notification.kind, context),
        text=_plain(template_names(notification.kind, "txt"), context),
        html=render_to_string(template_names(notification.kind, "html"), context),
    )
    maker = _attachment_makers.get(notification.object_type)
    if maker is not None and obj is not None:
        attachment = maker(notification, obj)
        if attachment is not None:
            rendered.attachments.append(attachment)
    return rendered
