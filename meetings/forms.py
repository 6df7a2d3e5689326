"""Forms only parse and check input shapes; every rule lives in the services."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from meetings.models import (
    DETAIL_FIELD,
    MAX_DURATION_MINUTES,
    TEXT_MAX_LENGTH,
    VIDEO_LINK_MAX_LENGTH,
    Feedback,
    Meeting,
)
from mentorship.forms import Textarea
from profiles.forms.fields import ModelIdsField
from profiles.models import FocusArea, Goal

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _length_errors(what: str) -> dict[str, str]:
    """Django's "Ensure this value is less than or equal to 480." names neither the unit nor the other bound."""
    said = f"{what} lasts 5 to {MAX_DURATION_MINUTES} minutes ({MAX_DURATION_MINUTES // 60} hours)."
    return {"min_value": said, "max_value": said, "required": said, "invalid": said}


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as the person typed it: naive, on their own wall clock (as the API's field of that name).

    Django's DateTimeField reads it in the server's zone (settings.TIME_ZONE) and, with a server in New York,
    refuses 02:30 on the night New York's clocks go forward even for someone in Berlin, for whom it is an ordinary
    time. The view reads it in the person's own zone (`local_to_utc`), which refuses the times *their* clocks skip
    or repeat: that is the only check there should be."""

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            parsed: datetime | None = value
        else:
            try:
                parsed = parse_datetime(str(value).strip())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if parsed is None:  # not ISO 8601: the field's own input formats
                parsed = super(forms.DateTimeField, self).to_python(value)
        if parsed is None or timezone.is_aware(parsed):
            # An offset typed by hand was dropped before, and the time read as the person's own: an hour or more
            # off. The page's picker never sends one; the API takes them.
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class MeetingTimeForm(forms.Form):
    start = WallClockDateTimeField(
        label="Date and time",
        widget=LOCAL_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Choose the day and the time the meeting starts.",
            # Only a browser without a date picker lets other text through.
            "invalid": "Enter the date and time as 2026-12-03 14:30.",
        },
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=5,
        max_value=MAX_DURATION_MINUTES,
        initial=45,
        error_messages=_length_errors("A meeting"),
    )

    def __init__(self, *args: Any, zone_name: str = "UTC", other_person_zone: str = "", **kwargs: Any) -> None:
        """`other_person_zone`: a sentence on the other person's zone ("Priya Shah is in Asia/Kolkata, …"), said
        next to the field, where the time is chosen."""
        super().__init__(*args, **kwargs)
        said = [f"In your time zone ({zone_name}).", other_person_zone]
        self.fields["start"].help_text = " ".join(filter(None, said))

    def naive_start(self) -> datetime:
        """The time as typed, on the person's wall clock: the view reads it in their zone."""
        start: datetime = self.cleaned_data["start"]
        return start


class MeetingProposeForm(MeetingTimeForm):
    # app.js shows only the field the chosen format needs (all three without JavaScript).
    format = forms.ChoiceField(
        choices=Meeting.Format.choices,
        initial=Meeting.Format.VIDEO,
        widget=forms.Select(attrs={"data-shows": json.dumps(DETAIL_FIELD)}),
    )
    place = forms.CharField(required=False, max_length=200, help_text="For an in-person meeting.")
    video_link = forms.URLField(
        required=False,
        label="Video link",
        help_text="For a video meeting.",
        assume_scheme="https",
        max_length=VIDEO_LINK_MAX_LENGTH,
    )
    phone = forms.CharField(required=False, max_length=40, help_text="For a phone call: the number to call.")
    agenda = forms.CharField(required=False, widget=Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH)

    def clean(self) -> dict[str, Any]:
        """Only the detail the chosen format uses counts. A link typed for video, left there when the person switched
        to in person, refused the form with an error inside the field app.js hides; and it would have been saved."""
        cleaned = super().clean() or self.cleaned_data
        used = DETAIL_FIELD.get(cleaned.get("format", ""))
        if used is None:  # no format, or an unknown one: its own error says so, and every detail stays checked
            return cleaned
        for field in DETAIL_FIELD.values():
            if field != used:
                self.errors.pop(field, None)
                cleaned[field] = ""
        return cleaned


class MeetingSeenForm(forms.Form):
    """Sent by every button that answers a meeting (accept, decline, cancel): the meeting's `sequence` as the page
    showed it, so an answer to a time moved since is refused instead of applied to the new time."""

    sequence = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The status it showed (a page from before it was sent has none): accepting keeps the sequence.
    status = forms.ChoiceField(choices=Meeting.Status.choices, required=False, widget=forms.HiddenInput)


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=300,
        label="Reason for cancelling (shown to the other person)",
        help_text="Up to 300 characters.",
        error_messages={"max_length": "Keep the reason to %(limit_value)d characters (this one has %(show_value)d)."},
    )

    def __init__(self, *args: Any, declining: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if declining:  # the other person's proposal: this person declines it rather than cancels a meeting
            self.fields["reason"].label = "Reason for declining (shown to the other person)"
        # No maxlength attribute: a browser cuts a pasted reason at 300 without a word; the field error says so.
        self.fields["reason"].widget.attrs.pop("maxlength", None)


class SessionLogForm(forms.Form):
    # Handed out with the empty form (see `initial` in the view); sent back with it, so a second sending is known.
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the day of the session.", "invalid": "Enter the day as 2026-12-03."},
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=5,
        max_value=MAX_DURATION_MINUTES,
        error_messages=_length_errors("A session"),
    )
    topics = ModelIdsField(queryset=FocusArea.objects.all(), required=False, widget=forms.CheckboxSelectMultiple)
    notes_shared = forms.CharField(
        required=False, widget=Textarea, label="Notes shared with the trainee", max_length=TEXT_MAX_LENGTH
    )
    next_steps = forms.CharField(
        required=False, widget=Textarea, label="Next steps (shared)", max_length=TEXT_MAX_LENGTH
    )
    notes_private = forms.CharField(
        required=False, widget=Textarea, label="Private notes (only you see these)", max_length=TEXT_MAX_LENGTH
    )

    def __init__(self, *args: Any, goals: list[Goal] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals or []
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.IntegerField(
                label=f"Progress on “{goal.title}” (%)",
                min_value=0,
                max_value=100,
                required=False,
                # Where the goal stands, so the mentor records progress from there rather than from a guess.
                help_text=f"Now {goal.progress} % ({goal.get_status_display().lower()}). "
                "Leave empty if you did not work on it.",
            )

    def goal_progress(self) -> list[tuple[Goal, int]]:
        """The figure of each goal given one. A goal's field missing from the data altogether (a page opened before
        the form offered it) keeps the figure the log had, as a ModelForm keeps a field it was not sent; the field
        sent back empty is a figure cleared."""
        found = []
        for goal in self.goals:
            name = f"goal_{goal.pk}"
            progress = self.cleaned_data.get(name)
            if progress is None and self.fields[name].widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            ):
                progress = self.initial.get(name)
            if progress is not None:
                found.append((goal, progress))
        return found


YES_NO = [("yes", "Yes"), ("no", "No")]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How was the meeting? (1 = poor, 5 = excellent)",
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 (poor) to 5 (excellent)."},
    )
    useful = forms.TypedChoiceField(
        label="Was it useful?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the meeting was useful."},
    )
    went_well = forms.CharField(
        required=False, widget=Textarea(attrs={"rows": 3}), label="What went well?", max_length=TEXT_MAX_LENGTH
    )
    to_change = forms.CharField(
        required=False,
        widget=Textarea(attrs={"rows": 3}),
        label="What would you change?",
        max_length=TEXT_MAX_LENGTH,
    )
    good_fit = forms.TypedChoiceField(
        label="Is this a good fit?",
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
        error_messages={"required": "Say whether this is a good fit."},
    )

    def __init__(self, *args: Any, first_meeting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not first_meeting:
            del self.fields["good_fit"]
        else:
            self.fields["good_fit"].required = True


class CheckInForm(forms.Form):
    going_well = forms.TypedChoiceField(
        label="How is the mentorship going? (1 = not at all, 5 = very well)",
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose from 1 (not at all) to 5 (very well)."},
    )
    comment = forms.CharField(
        required=False,
        widget=Textarea(attrs={"rows": 3}),
        label="Anything to add for your program's coordinators?",
        # Who reads it, where the person types it: it used to be stored for no one, with no word about who reads it.
        help_text="Only your program's coordinators read this comment, with your answer above; the other person in "
        "your mentorship never sees either.",
        max_length=TEXT_MAX_LENGTH,
    )


__all__ = [
    "CheckInForm",
    "Feedback",
    "FeedbackForm",
    "MeetingCancelForm",
    "MeetingProposeForm",
    "MeetingSeenForm",
    "MeetingTimeForm",
    "SessionLogForm",
    "WallClockDateTimeField",
]
