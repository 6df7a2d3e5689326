"""Mentor and trainee profiles and trainees' goals: every save goes through the profile and goal services, and a
coordinator sees only the people of their programs (`profiles.admin_scope`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from mentorship.admin_readonly import WrittenByServices
from mentorship.admin_search import BoundedSearch
from mentorship.errors import ApplicationError
from profiles.admin_scope import goals_for, mentors_for, people_list_extras, trainees_for
from profiles.models import Goal, MentorProfile, TraineeProfile, User
from profiles.services import (
    GOAL_FIELDS,
    MENTOR_FIELDS,
    MENTOR_M2M,
    TRAINEE_FIELDS,
    TRAINEE_M2M,
    goal_check,
    goal_create,
    goal_delete,
    goal_update,
    mentor_profile_save,
    trainee_profile_save,
)


def _reader(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the admin serves signed-in staff only
    return user


class _ProfileAdmin(BoundedSearch, admin.ModelAdmin):
    """A coordinator sees (and changes) the profiles of the people of their programs only (`profiles.admin_scope`):
    the list, its search and filters, a profile's page and the pickers that list profiles; anyone else's page is the
    admin's "doesn't exist"."""

    list_select_related: ClassVar[tuple[str, ...]] = ("user",)
    search_fields = ("user__full_name", "user__email", "institution")
    # By name, as people are looked for; also what the autocomplete pages through (twenty at a time: without an
    # order the database may repeat or skip someone between pages).
    ordering: ClassVar[tuple[str, ...]] = ("user__full_name", "pk")
    autocomplete_fields: ClassVar[tuple[str, ...]] = ("user",)
    readonly_fields: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")
    date_hierarchy = "created_at"

    service: Any
    service_fields: tuple[str, ...]
    #: The filter of the profiles a reader may see (`profiles.admin_scope`).
    scope: Callable[[User], Q]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(self.scope(_reader(request)))

    def get_list_filter(self, request: HttpRequest) -> Any:
        # The apps above add theirs first (matching: by program, where the program page's counts link to).
        return (*people_list_extras(self.model).list_filter, *super().get_list_filter(request))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if IS_POPUP_VAR in request.GET:
            return actions
        for action in people_list_extras(self.model).actions:
            found = self.get_action(action)
            needs = getattr(action, "allowed_permissions", ())
            if found is not None and all(getattr(self, f"has_{need}_permission")(request) for need in needs):
                actions[found[1]] = found
        return actions

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A profile belongs to one person for good; move it by creating a new one.
        return (*super().get_readonly_fields(request, obj), *(("user",) if obj is not None else ()))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Through the same service as the pages and the API, so every profile write has one path.
        data = {name: value for name, value in form.cleaned_data.items() if name in self.service_fields}
        saved = self.service(user=obj.user, data=data)
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:  # the service already set the many-to-many fields
            self.save_formset(request, form, formset, change=change)

    @admin.display(description="e-mail", ordering="user__email")
    def email(self, obj: Any) -> str:
        return str(obj.user.email)

    @admin.display(description="formats")
    def formats(self, obj: Any) -> str:
        return ", ".join(obj.meeting_format_labels())


@admin.register(MentorProfile)
class MentorProfileAdmin(_ProfileAdmin):
    service = staticmethod(mentor_profile_save)
    scope = staticmethod(mentors_for)
    service_fields = (*MENTOR_FIELDS, *MENTOR_M2M)
    list_display = (
        "user",
        "email",
        "specialty",
        "career_stage",
        "institution",
        "capacity",
        "accepting_mentees",
        "time_zone",
        "formats",
    )
    list_filter = (
        "accepting_mentees",
        "career_stage",
        "capacity",
        ("specialty", admin.RelatedOnlyFieldListFilter),
        "languages",
        "focus_areas",
    )
    filter_horizontal = ("subspecialties", "focus_areas", "languages")
    # There may be thousands of trainees: pick the ones a mentor assesses by searching, not from a list.
    autocomplete_fields = ("user", "specialty", "assesses")
    list_select_related = ("user", "specialty")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assesses":
            # Only trainees this coordinator may see can be picked: an id typed into the form would otherwise name
            # anyone, back on the mentor's page.
            kwargs["queryset"] = TraineeProfile.objects.filter(trainees_for(_reader(request)))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and "assesses" in form.cleaned_data:
            # Trainees of other programs the mentor assesses were not on the form (this coordinator does not see
            # them): they stay.
            unseen = obj.assesses.exclude(trainees_for(_reader(request)))
            form.cleaned_data["assesses"] = [*form.cleaned_data["assesses"], *unseen]
        super().save_model(request, obj, form, change)


class GoalInline(WrittenByServices, admin.TabularInline):
    """The trainee's plan at a glance. Goals are changed on their own page, which saves through the goal service."""

    model = Goal
    extra = 0
    fields = ("title", "focus_area", "target_date", "status", "progress")
    readonly_fields = fields
    show_change_link = True


@admin.register(TraineeProfile)
class TraineeProfileAdmin(_ProfileAdmin):
    list_display = ("user", "email", "career_stage", "institution", "time_zone", "formats", "goal_count")
    list_filter = ("career_stage", "specialty_interests", "languages", "focus_areas")
    filter_horizontal = ("specialty_interests", "focus_areas", "languages")
    inlines = (GoalInline,)
    service = staticmethod(trainee_profile_save)
    service_fields = (*TRAINEE_FIELDS, *TRAINEE_M2M)
    scope = staticmethod(trainees_for)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TraineeProfile]:
        return super().get_queryset(request).annotate(_goals=Count("goals"))

    @admin.display(description="goals", ordering="_goals")
    def goal_count(self, obj: Any) -> int:
        return int(obj._goals)


class GoalAdminForm(forms.ModelForm):
    """Checks the goal service's rules while the form is still open, so a refusal is shown next to its field with
    what the coordinator typed (the service checks again when it saves)."""

    class Meta:
        model = Goal
        fields = ("trainee", *GOAL_FIELDS)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None and not cleaned.get("trainee"):
            return cleaned  # the trainee field already says what is missing
        data = {name: cleaned[name] for name in GOAL_FIELDS if name in cleaned}
        try:
            goal_check(goal=self.instance if self.instance.pk else None, data=data, trainee=cleaned.get("trainee"))
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                self.add_error(field if field in self.fields else None, problems)
        return cleaned


@admin.register(Goal)
class GoalAdmin(BoundedSearch, admin.ModelAdmin):
    """Goals are the trainee's: every change here goes through the same services as their own pages (the target
    date rule included), on the trainee's behalf, and a goal never moves to another trainee."""

    form = GoalAdminForm
    list_display = ("title", "trainee", "focus_area", "status", "progress", "target_date", "updated_at")
    list_filter = ("status", "focus_area", "target_date")
    search_fields = ("title", "description", "trainee__user__full_name", "trainee__user__email")
    list_select_related = ("trainee__user", "focus_area")
    autocomplete_fields = ("trainee",)
    date_hierarchy = "target_date"
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Goal]:
        # The goals of the trainees this coordinator may see (`profiles.admin_scope`), as their profiles.
        return super().get_queryset(request).filter(goals_for(_reader(request)))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "trainee":
            kwargs["queryset"] = TraineeProfile.objects.filter(trainees_for(_reader(request)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), *(("trainee",) if obj is not None else ()))

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, ApplicationError) as error:
            # The form checks the service's rules first; this is the rare refusal that comes only at saving (the
            # trainee changed the goal meanwhile). The admin's transaction has rolled back: say why, nothing saved.
            reason = error.message if isinstance(error, ApplicationError) else " ".join(error.messages)
            self.message_user(request, f"Nothing was saved: {reason}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Goal, form: Any, change: bool) -> None:
        data = {name: value for name, value in form.cleaned_data.items() if name in GOAL_FIELDS}
        if change:
            saved = goal_update(goal=obj, user=obj.trainee.user, data=data)
        else:
            saved = goal_create(user=form.cleaned_data["trainee"].user, data=data)
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request: HttpRequest, obj: Goal) -> None:
        goal_delete(goal=obj, user=obj.trainee.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Goal]) -> None:
        for goal in queryset.select_related("trainee"):
            goal_delete(goal=goal, user=goal.trainee.user)
