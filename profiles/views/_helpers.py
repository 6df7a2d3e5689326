from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.errors import ApplicationError

T = TypeVar("T")


def save_through_service(form: forms.Form, write: Callable[[], T]) -> T | None:
    """Run a service with a valid form's data; show its refusals next to the fields (None when refused)."""
    try:
        with transaction.atomic():
            return write()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error)
    except ApplicationError as error:
        form.add_error(None, error.message)
    return None
