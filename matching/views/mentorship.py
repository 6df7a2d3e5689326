"""The trainee's "My mentorship" and the mentor's "My mentees" (with the accepting switch)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from matching.selectors import mentees_for, my_mentorship
from matching.services.requests import mentor_set_accepting
from matching.views.access import post_only
from matching.views.forms import AcceptingForm
from profiles.access import signed_in_user
from profiles.models import MentorProfile


@login_required
def my_mentorship_page(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/my_mentorship.html", {"mentorship": my_mentorship(user=signed_in_user(request))})


def _mentor_of(request: HttpRequest) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=signed_in_user(request)).first()


@login_required
def my_mentees(request: HttpRequest) -> HttpResponse:
    mentor = _mentor_of(request)
    mentees = mentees_for(mentor=mentor) if mentor else None
    form = AcceptingForm(initial={"accepting": "0" if mentor and mentor.accepting_mentees else "1"})
    return render(request, "matching/my_mentees.html", {"mentor": mentor, "mentees": mentees, "form": form})


@login_required
@post_only("matching-my-mentees")
def mentor_accepting(request: HttpRequest) -> HttpResponse:
    mentor = _mentor_of(request)
    form = AcceptingForm(request.POST)
    if mentor is None:
        messages.error(request, "Only mentors have a list of mentees.")
    elif form.is_valid():
        mentor = mentor_set_accepting(mentor=mentor, accepting=form.cleaned_data["accepting"])
        messages.success(
            request,
            "You are accepting new mentees." if mentor.accepting_mentees else "You no longer accept new mentees.",
        )
    else:  # a form made by hand, or from an older page: nothing was changed, and the page says so
        messages.error(request, "Nothing was changed: choose whether you accept new mentees, and send it again.")
    return redirect("matching-my-mentees")
