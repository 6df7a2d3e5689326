"""The meetings app's models, looked up by name: absent in a build without meetings, the health page and the
exports simply leave those parts out."""

from __future__ import annotations

from typing import Any

from django.apps import apps


def meetings_model(name: str) -> Any:
    try:
        return apps.get_model("meetings", name)
    except LookupError:
        return None
