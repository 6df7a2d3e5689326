"""My profile: both profiles on one page, and a form for each (one person may hold both)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from profiles.access import signed_in_user
from profiles.forms import MentorProfileForm, TraineeProfileForm
from profiles.selectors import goal_list_for, mentor_profile_of, trainee_profile_of
from profiles.services import mentor_profile_save, trainee_profile_save
from profiles.views._helpers import save_through_service


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "trainee": trainee_profile_of(user=user),
        "mentor": mentor_profile_of(user=user),
        "goal_count": goal_list_for(user=user).count(),
    }
    return render(request, "profiles/me.html", context)


@login_required
def trainee_edit(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    profile, other = trainee_profile_of(user=user), mentor_profile_of(user=user)
    initial = TraineeProfileForm.initial_from(profile, other)
    form = TraineeProfileForm(request.POST or None, initial=initial, new=profile is None and other is None)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(form, lambda: trainee_profile_save(user=user, data=form.cleaned_data))
        if saved is not None and profile is None:
            # A first profile is made to find a mentor: show the ranking it unlocks, not the profile just typed.
            messages.success(
                request, "Your trainee profile is saved. Here are the mentors ranked for you: open one to see why."
            )
            return redirect("matching-directory")
        if saved is not None:
            messages.success(request, "Your trainee profile is saved.")
            return redirect("profiles-me")
    context = {"form": form, "creating": profile is None, "kind": "trainee"}
    return render(request, "profiles/profile_form.html", context, status=400 if form.errors else 200)


@login_required
def mentor_edit(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    profile, other = mentor_profile_of(user=user), trainee_profile_of(user=user)
    initial = MentorProfileForm.initial_from(profile, other)
    form = MentorProfileForm(request.POST or None, initial=initial, new=profile is None and other is None)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(form, lambda: mentor_profile_save(user=user, data=form.cleaned_data))
        if saved is not None:
            messages.success(request, "Your mentor profile is saved.")
            return redirect("profiles-me")
    context = {"form": form, "creating": profile is None, "kind": "mentor"}
    return render(request, "profiles/profile_form.html", context, status=400 if form.errors else 200)
