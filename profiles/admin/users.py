"""Accounts: who may change whom, e-mail confirmation on an address change, no privilege escalation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from mentorship.admin_lookups import NoLookupsOn
from mentorship.admin_search import BoundedSearch
from mentorship.errors import ApplicationError
from profiles.admin_scope import users_for
from profiles.models import User
from profiles.services import token_revoke, user_deactivate
from profiles.services.email_confirmation import email_confirmation_before_save, email_confirmation_send

_PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])


#: What unticking Active does (`profiles.services.user_deactivate` and the effects the apps above register).
ACTIVE_HELP = (
    "Untick when someone leaves: they can no longer sign in, and their open requests and proposals and their upcoming "
    "meetings are cancelled (the other person is told). Their approved matches stay, for you to end (program health "
    "lists them). Ticking it again restores none of that."
)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "is_active" in self.fields:
            self.fields["is_active"].help_text = ACTIVE_HELP

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
class UserAdmin(NoLookupsOn, BoundedSearch, DjangoUserAdmin):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # A coordinator sees the accounts of the people of their programs only (`profiles.admin_scope`): the list,
        # its search and filters, an account's page and the pickers; anyone else's page is the admin's "doesn't exist".
        assert isinstance(request.user, User)  # the admin serves signed-in staff only
        return super().get_queryset(request).filter(users_for(request.user))

    # The list filters on any field from the address bar. Django refuses the password; the API token's key is
    # its primary key, so Django counted ?auth_token__key__startswith=… (or ?auth_token__gt=…) as a lookup on
    # the relation alone and allowed it: listed or not, a coordinator spelled out anyone's token, a
    # superuser's too, one character at a time. Refused (400) however it is spelled.
    lookups_refused = frozenset({"password", "auth_token"})

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
        if change and "is_active" in form.changed_data:
            self._active_changed(request, obj)

    def _active_changed(self, request: HttpRequest, user: User) -> None:
        """Unticking Active is someone leaving: what waits on them is called off in this request's transaction (the
        admin saves a change in one), so the box and its consequences are saved together or not at all."""
        if user.is_active:
            self.message_user(
                request,
                f"{user} is active again. Nothing cancelled when they left comes back: they request a mentor or "
                "propose meetings anew.",
                messages.INFO,
            )
            return
        assert isinstance(request.user, User)  # the admin serves signed-in staff only
        done = user_deactivate(user=user, by=request.user)
        self.message_user(
            request,
            f"{user} is deactivated: {'; '.join(done) if done else 'nothing was waiting on them'}. Their approved "
            'matches stay until you end them (program health lists them under "Approved matches with someone who '
            'left"). Reactivating the account restores none of this.',
            messages.INFO,
        )

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
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the password was set
            user = self.get_object(request, unquote(id))
            if user is not None:
                token_revoke(user=user)  # as a change or reset by the person: a token is as good as the password
        return response
