"""Forms of the directory pages (input shape only; every rule lives in the services)."""

from __future__ import annotations

from typing import Any

from django import forms

from matching.models import Program
from matching.services.requests import MESSAGE_MAX_LENGTH
from mentorship.forms import Textarea
from profiles.models import MentorProfile


class RequestForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        empty_label=None,
        label="Program",
        error_messages={
            "invalid_choice": "You can no longer request this mentor in that program (it may have ended, or you "
            "now have a mentor there). Open the mentor's page again to see where you can request them."
        },
    )
    message = forms.CharField(
        label="What do you hope to get from this mentorship?",
        widget=Textarea(attrs={"rows": 4}),
        max_length=MESSAGE_MAX_LENGTH,
        help_text="A few sentences for the mentor and the program coordinator.",
    )

    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Program.objects.filter(pk__in=[p.pk for p in programs])
        if len(programs) == 1:
            field.widget = forms.HiddenInput()
            field.initial = programs[0].pk


class ShortlistRankForm(forms.Form):
    """First, second and third choice among the starred mentors."""

    def __init__(self, *args: Any, mentors: list[MentorProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(str(m.pk), str(m)) for m in mentors]]
        for position, label in ((1, "First choice"), (2, "Second choice"), (3, "Third choice")):
            self.fields[f"rank_{position}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, required=False, empty_value=None, label=label
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(f"rank_{i}") for i in (1, 2, 3)]
        picked = [m for m in chosen if m is not None]
        if len(set(picked)) != len(picked):
            raise forms.ValidationError("Choose a different mentor for each place.")
        data["mentor_ids"] = picked
        # Ranks have no gaps (a lone "third choice" is saved as the first): the view says so when it happens.
        data["closed_up"] = chosen[: len(picked)] != picked
        return data


class AcceptingForm(forms.Form):
    accepting = forms.TypedChoiceField(
        choices=[("1", "Accept new mentees"), ("0", "Stop accepting new mentees")],
        coerce=lambda v: v == "1",
        label="New mentees",
    )
