from __future__ import annotations

from typing import Any

from django import forms

from mentorship.forms import Textarea
from profiles.models import FocusArea, Goal


class GoalForm(forms.Form):
    # A new goal's form carries an id (see goal_add), so the same form sent twice — Back and Save again — adds one.
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        max_length=200, help_text="Something you can tell you have done, e.g. “Submit an abstract”."
    )
    focus_area = forms.ModelChoiceField(
        queryset=FocusArea.objects.all(), required=False, empty_label="(none)", label="Focus area"
    )
    description = forms.CharField(required=False, widget=Textarea(attrs={"rows": 4}), max_length=4000)
    target_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional. Not in the past."
    )
    status = forms.ChoiceField(choices=Goal.Status.choices, initial=Goal.Status.NOT_STARTED)
    progress = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=0,
        help_text="Per cent done, 0–100.",
        error_messages={"min_value": "Progress is at least 0.", "max_value": "Progress is at most 100."},
    )

    @staticmethod
    def initial_from(goal: Goal) -> dict[str, Any]:
        return {
            "title": goal.title,
            "focus_area": goal.focus_area,
            "description": goal.description,
            "target_date": goal.target_date,
            "status": goal.status,
            "progress": goal.progress,
        }
