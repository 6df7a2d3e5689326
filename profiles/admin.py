"""The admin for people and profiles. Coordinators (staff in the Coordinators group) view and change profiles here;
only superusers touch staff accounts, permissions and e-mail addresses, so the admin cannot be used to raise one's
own rights or to take over someone's account. Profile and goal changes go through the services."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from mentorship.errors import ApplicationError
from profiles.email_confirmation import email_confirmation_before_save, email_confirmation_send
from profiles.models import FocusArea, Goal, Language, MentorProfile, Specialty, TraineeProfile, User
from profiles.services import (
    GOAL_FIELDS,
    MENTOR_FIELDS,
    MENTOR_M2M,
    TRAINEE_FIELDS,
    TRAINEE_M2M,
    goal_create,
    goal_delete,
    goal_update,
    mentor_profile_save,
    trainee_profile_save,
)

_PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("trainee", "Trainees"), ("mentor", "Mentors"), ("both", "Both"), ("neither", "Neither")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        value = self.value()
        if value == "trainee":
            return queryset.filter(trainee_profile__isnull=False)
        if value == "mentor":
            return queryset.filter(mentor_profile__isnull=False)
        if value == "both":
            return queryset.filter(trainee_profile__isnull=False, mentor_profile__isnull=False)
        if value == "neither":
            return queryset.filter(trainee_profile__isnull=True, mentor_profile__isnull=True)
        return queryset


class EmailConfirmedFilter(admin.SimpleListFilter):
    title = "e-mail confirmed"
    parameter_name = "email_confirmed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() in ("yes", "no"):
            return queryset.filter(email_confirmed_at__isnull=self.value() == "no")
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "is_trainee", "is_mentor", "is_staff", "is_active", "date_joined")
    list_filter = (RoleFilter, EmailConfirmedFilter, "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    ordering = ("full_name", "email")
    list_select_related = ("trainee_profile", "mentor_profile")
    readonly_fields = ("last_login", "date_joined", "email_confirmed_at")
    filter_horizontal = ("groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", *_PRIVILEGE_FIELDS)}),
        ("Dates", {"fields": ("last_login", "date_joined", "email_confirmed_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )

    @admin.display(boolean=True, description="trainee")
    def is_trainee(self, obj: User) -> bool:
        return hasattr(obj, "trainee_profile")

    @admin.display(boolean=True, description="mentor")
    def is_mentor(self, obj: User) -> bool:
        return hasattr(obj, "mentor_profile")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            # The address is the login and where password resets go (a reset also confirms it): whoever could
            # change someone's address could take over their account. Only superusers change it here.
            return (*fields, *(("email",) if obj is not None else ()), *_PRIVILEGE_FIELDS)
        return fields

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # A coordinator who could edit a staff account could change its e-mail and reset its password.
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        needs_link = email_confirmation_before_save(user=obj)
        super().save_model(request, obj, form, change)
        if needs_link:  # a new account or address: its owner gets the link once this is committed
            transaction.on_commit(lambda: self._send_confirmation(request, obj))

    def _send_confirmation(self, request: HttpRequest, user: User) -> None:
        try:
            email_confirmation_send(user=user)
        except ApplicationError as error:
            self.message_user(request, f"No confirmation link went to {user.email}: {error.message}", messages.WARNING)
        else:
            self.message_user(request, f"A link to confirm the address went to {user.email}.", messages.INFO)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied("Only superusers set passwords here; people reset their own by e-mail.")
        return super().user_change_password(request, id, form_url)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "is_acgme_core", "mentor_count", "trainee_count")
    list_filter = ("is_acgme_core", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "parent__name")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("parent__name", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Specialty]:
        return (
            super()
            .get_queryset(request)
            .annotate(_mentors=Count("mentors", distinct=True), _trainees=Count("interested_trainees", distinct=True))
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            # Only two levels: a sub-specialty hangs under a top-level specialty.
            kwargs["queryset"] = Specialty.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="mentors", ordering="_mentors")
    def mentor_count(self, obj: Any) -> int:
        return int(obj._mentors)

    @admin.display(description="interested trainees", ordering="_trainees")
    def trainee_count(self, obj: Any) -> int:
        return int(obj._trainees)


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "description")
    list_editable = ("position",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class _ProfileAdmin(admin.ModelAdmin):
    list_select_related: ClassVar[tuple[str, ...]] = ("user",)
    search_fields = ("user__full_name", "user__email", "institution")
    autocomplete_fields: ClassVar[tuple[str, ...]] = ("user",)
    readonly_fields: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")
    date_hierarchy = "created_at"

    service: Any
    service_fields: tuple[str, ...]

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


class GoalInline(admin.TabularInline):
    """The trainee's plan at a glance. Goals are changed on their own page, which saves through the goal service."""

    model = Goal
    extra = 0
    fields = ("title", "focus_area", "target_date", "status", "progress")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TraineeProfile)
class TraineeProfileAdmin(_ProfileAdmin):
    list_display = ("user", "email", "career_stage", "institution", "time_zone", "formats", "goal_count")
    list_filter = ("career_stage", "specialty_interests", "languages", "focus_areas")
    filter_horizontal = ("specialty_interests", "focus_areas", "languages")
    inlines = (GoalInline,)
    service = staticmethod(trainee_profile_save)
    service_fields = (*TRAINEE_FIELDS, *TRAINEE_M2M)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TraineeProfile]:
        return super().get_queryset(request).annotate(_goals=Count("goals"))

    @admin.display(description="goals", ordering="_goals")
    def goal_count(self, obj: Any) -> int:
        return int(obj._goals)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    """Goals are the trainee's: every change here goes through the same services as their own pages (the target
    date rule included), on the trainee's behalf, and a goal never moves to another trainee."""

    list_display = ("title", "trainee", "focus_area", "status", "progress", "target_date", "updated_at")
    list_filter = ("status", "focus_area", "target_date")
    search_fields = ("title", "description", "trainee__user__full_name", "trainee__user__email")
    list_select_related = ("trainee__user", "focus_area")
    autocomplete_fields = ("trainee",)
    date_hierarchy = "target_date"
    readonly_fields = ("created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), *(("trainee",) if obj is not None else ()))

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, ApplicationError) as error:
            # The service refused after the form was valid (a new target date in the past): the admin's transaction
            # has rolled back, so nothing was saved; say why on the same page.
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
