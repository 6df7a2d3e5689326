"""The sections of a person's data export, registered by the apps that own them, and the document they make.

A section is a read (`User` → what the section holds of them, already cut to what they may read) and a serializer
that both shapes it and documents it in the API schema: a field the serializer does not declare never reaches the
file, whatever the read hands it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from rest_framework import serializers

from mentorship.errors import ApplicationError
from profiles.counting import count_in_window
from profiles.models import User

#: How many times a person may take their data in an hour (the page and the API together). Each export reads
#: everything they ever did, so a script looping on it would load the database for nothing; a person downloads it
#: now and then.
DATA_EXPORTS_PER_HOUR = 10
_WINDOW_SECONDS = 3600


class DataExportTooOften(ApplicationError):
    code = "data_export_too_often"
    status = 429


@dataclass(frozen=True)
class ExportSection:
    name: str
    read: Callable[[User], Any]
    serializer: type[serializers.Serializer[Any]]
    many: bool
    nullable: bool
    help_text: str


_sections: dict[str, ExportSection] = {}


def export_section_register(
    name: str,
    read: Callable[[User], Any],
    *,
    serializer: type[serializers.Serializer[Any]],
    many: bool = False,
    nullable: bool = False,
    help_text: str = "",
) -> None:
    """Called by each app when it starts (its `AppConfig.ready()`). `read(user)` returns what the section holds of
    `user` (a list of rows with `many`; one row, or None with `nullable`), as much as `user` may read and no more;
    `serializer` shapes each row. Sections appear in the file in the order they are registered; registering a name
    again replaces the section (a second `ready()` does not add it twice)."""
    _sections[name] = ExportSection(name, read, serializer, many, nullable, help_text)


class DataExportSerializer(serializers.Serializer[Any]):
    """Everything the system holds about the person who asks: their account, profiles and goals, their programs,
    requests and matches (with the history entries they may read), meetings, session logs (their own private notes
    only), feedback and check-in answers, and the messages sent to them. Each section holds what the pages show
    that person, and no more."""

    exported_at = serializers.DateTimeField(help_text="When this file was made.")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for section in _sections.values():
            fields[section.name] = section.serializer(
                many=section.many, allow_null=section.nullable, read_only=True, help_text=section.help_text
            )
        return fields


class RelatedNamesField(serializers.ListField):
    """The names of related rows (a profile's languages, a log's topics), read from the prefetched relation: a file
    for a person to read says "English", not 1."""

    child = serializers.CharField()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> list[str]:  # type: ignore[override]
        return [str(row.name) for row in value.all()]


def data_export_for(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """`user`'s data, every registered section of it: `DataExportTooOften` past `DATA_EXPORTS_PER_HOUR` in the hour
    that began with the first. Reads only (the count is kept in the cache)."""
    if count_in_window(f"data-exports:{user.pk}", _WINDOW_SECONDS) > DATA_EXPORTS_PER_HOUR:
        raise DataExportTooOften(
            f"You have downloaded your data {DATA_EXPORTS_PER_HOUR} times within the hour. The file you have is "
            "complete; download it again in an hour."
        )
    document: dict[str, Any] = {"exported_at": now or timezone.now()}
    for section in _sections.values():
        document[section.name] = section.read(user)
    return dict(DataExportSerializer(document, context={"user": user}).data)


def data_export_json(document: dict[str, Any]) -> str:
    """The document as the file people download: indented, and names as they are written ("José", not "Jos\\u00e9")."""
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def data_export_filename(now: datetime | None = None) -> str:
    return f"my-data-{timezone.localdate(now or timezone.now()):%Y-%m-%d}.json"
