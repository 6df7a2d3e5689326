"""My goals (a trainee's development plan). Someone else's goal is a 404, never a 403 that confirms it exists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from profiles.forms import GoalForm
from profiles.models import Goal
from profiles.selectors import goal_list_for, trainee_profile_of
from profiles.services import goal_create, goal_delete, goal_update
from profiles.views._helpers import request_user, save_through_service


@login_required
def goal_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = {"goals": goal_list_for(user=user), "has_trainee_profile": trainee_profile_of(user=user) is not None}
    return render(request, "profiles/goal_list.html", context)


@login_required
def goal_add(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if trainee_profile_of(user=user) is None:
        messages.info(request, "Create your trainee profile first: goals belong to it.")
        return redirect("profiles-trainee-edit")
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = save_through_service(form, lambda: goal_create(user=user, data=form.cleaned_data))
        if goal is not None:
            messages.success(request, f"Goal “{goal.title}” added.")
            return redirect("profiles-goals")
    return render(request, "profiles/goal_form.html", {"form": form})


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    goal = get_object_or_404(goal_list_for(user=user), pk=pk)
    form = GoalForm(request.POST or None, initial=GoalForm.initial_from(goal))
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(form, lambda: goal_update(goal=goal, user=user, data=form.cleaned_data))
        if saved is not None:
            messages.success(request, f"Goal “{saved.title}” saved.")
            return redirect("profiles-goals")
    context = {"form": form, "goal": goal}
    return render(request, "profiles/goal_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    goal: Goal = get_object_or_404(goal_list_for(user=user), pk=pk)
    if request.method == "POST":
        goal_delete(goal=goal, user=user)
        messages.success(request, f"Goal “{goal.title}” deleted.")
        return redirect("profiles-goals")
    return render(request, "profiles/goal_confirm_delete.html", {"goal": goal})
