"""Form pieces every app's pages share."""

from __future__ import annotations

from typing import Any

from django import forms


class Textarea(forms.Textarea):
    """A textarea without the `maxlength` attribute its field's `max_length` adds: with it a browser cuts pasted text
    at the limit without a word, and the end of a message or notes is lost unseen. The field still refuses a longer
    text, naming the limit and the length, and shows it back whole to shorten."""

    def build_attrs(self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        return attrs
