"""My goals (a trainee's development plan). Someone else's goal is a 404, never a 403 that confirms it exists."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from mentorship.errors import ApplicationError
from profiles.access import signed_in_user
from profiles.forms import GoalForm
from profiles.models import Goal
from profiles.selectors import goal_list_for, trainee_profile_of
from profiles.services import goal_create, goal_delete, goal_update
from profiles.views._helpers import save_through_service


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {"goals": goal_list_for(user=user), "has_trainee_profile": trainee_profile_of(user=user) is not None}
    return render(request, "profiles/goal_list.html", context)


# The ids of add-goal forms this browser session has saved: the last few are enough to know Back and Save again.
SENT_GOAL_FORMS = "sent_goal_forms"


@login_required
def goal_add(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if trainee_profile_of(user=user) is None:
        messages.info(request, "Create your trainee profile first: goals belong to it.")
        return redirect("profiles-trainee-edit")
    form = GoalForm(request.POST or None, initial={"submission": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        submission = str(form.cleaned_data["submission"] or "")
        sent: list[str] = request.session.get(SENT_GOAL_FORMS, [])
        if submission and submission in sent:
            messages.info(request, "This goal was already added; it is saved once.")
            return redirect("profiles-goals")
        goal = save_through_service(form, lambda: goal_create(user=user, data=form.cleaned_data))
        if goal is not None:
            if submission:
                request.session[SENT_GOAL_FORMS] = [*sent, submission][-20:]
            messages.success(request, f"Goal “{goal.title}” added.")
            return redirect("profiles-goals")
    return render(request, "profiles/goal_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    goal = get_object_or_404(goal_list_for(user=user), pk=pk)
    form = GoalForm(request.POST or None, initial=GoalForm.initial_from(goal))
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(form, lambda: goal_update(goal=goal, user=user, data=form.cleaned_data))
        if saved is not None:
            messages.success(request, f"Goal “{saved.title}” saved.")
            return redirect("profiles-goals")
    context = {"form": form, "goal": goal}
    return render(request, "profiles/goal_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def goal_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    goal: Goal = get_object_or_404(goal_list_for(user=user), pk=pk)
    if request.method == "POST":
        try:
            goal_delete(goal=goal, user=user)
        except ApplicationError as error:  # a mentor's session log records progress on it
            messages.error(request, error.message)
        else:
            messages.success(request, f"Goal “{goal.title}” deleted.")
        return redirect("profiles-goals")
    return render(request, "profiles/goal_confirm_delete.html", {"goal": goal})
