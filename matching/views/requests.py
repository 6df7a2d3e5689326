"""Trainees request a mentor, see their requests and cancel; the shortlist (star, unstar, rank)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Match
from matching.selectors import (
    MentorDetail,
    mentor_detail_for,
    own_request,
    requests_for,
    shortlist_mentor,
    shortlist_of,
    trainee_profile_of,
)
from matching.services.requests import match_cancel, match_request
from matching.services.shortlist import shortlist_add, shortlist_rank, shortlist_remove
from matching.views.access import post_only
from matching.views.directory import directory_return
from matching.views.forms import RequestForm, ShortlistRankForm
from mentorship.errors import ApplicationError
from mentorship.redirects import redirect_back
from profiles.access import signed_in_user
from profiles.models import MentorProfile

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def _already_requested(request: HttpRequest, detail: MentorDetail) -> HttpResponse | None:
    """The form sent again (a double click, or Back to a page kept from before the request and "Send request"):
    the request it asks for is open already, so say so on My requests instead of refusing it as a failure."""
    live = detail.live_match
    if live is None or live.status != Match.Status.REQUESTED:
        return None
    # The day in the trainee's own zone, as My requests shows it: in UTC an evening request read as the next day.
    sent = date_format(live.created_at.astimezone(live.trainee.zone()), "DATE_FORMAT")
    messages.info(
        request,
        f"Your request to {detail.mentor} was already sent on {sent} and is pending with a coordinator; "
        "nothing new was sent.",
    )
    return redirect("matching-requests")


@login_required
@post_only("matching-mentor")
def request_create(request: HttpRequest, mentor_id: int) -> HttpResponse:
    user = signed_in_user(request)
    detail = mentor_detail_for(user=user, mentor_id=mentor_id)
    trainee = detail.context.profile if detail.context else None
    if trainee is None:
        messages.error(request, "Fill in your trainee profile before requesting a mentor.")
        return redirect("matching-mentor", mentor_id=mentor_id)
    if (sent := _already_requested(request, detail)) is not None:
        return sent
    form = RequestForm(request.POST, programs=detail.programs)
    if form.is_valid():
        try:
            sent_request = match_request(
                trainee=trainee,
                mentor=detail.mentor,
                program=form.cleaned_data["program"],
                message=form.cleaned_data["message"],
            )
        except ApplicationError as error:
            # What changed since the page was opened (the mentor filled up or stopped, a second click won the race).
            detail = mentor_detail_for(user=user, mentor_id=mentor_id)
            if (sent := _already_requested(request, detail)) is not None:
                return sent
            form.add_error(None, error.message)
        else:
            lapses = timezone.localdate(sent_request.request_lapses_at(), trainee.zone())
            messages.success(
                request,
                f"Your request to {detail.mentor} was sent. A coordinator will review it; you are e-mailed when it is "
                f"decided, or if nobody decides it by {lapses:%-d %b %Y}.",
            )
            return redirect("matching-requests")
    elif not detail.programs:
        form.add_error(None, detail.refusal or "You and this mentor are not in an active program together.")
    context: dict[str, object] = {"detail": detail, "form": form, **directory_return(request)}
    if detail.refusal:
        # The page was opened before this mentor could no longer be requested: say why once, and offer the way
        # on (the list, and what they wrote to reuse), never the same form that can only be refused again.
        refusals = form.non_field_errors() or [detail.refusal]
        context.update(form=None, refused=refusals, unsent_message=request.POST.get("message", "").strip())
    return render(request, "matching/mentor_detail.html", context, status=400)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    trainee = trainee_profile_of(signed_in_user(request))
    requests = list(requests_for(trainee=trainee)) if trainee else []
    return render(request, "matching/requests.html", {"trainee": trainee, "requests": requests})


@login_required
@post_only("matching-requests", with_arguments=False)
def request_cancel(request: HttpRequest, match_id: int) -> HttpResponse:
    match = own_request(user=signed_in_user(request), match_id=match_id)
    try:
        match_cancel(match=match, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Your request to {match.mentor} was cancelled.")
    return redirect("matching-requests")


@login_required
@post_only("matching-mentor")
def shortlist_star(request: HttpRequest, mentor_id: int) -> HttpResponse:
    trainee = trainee_profile_of(signed_in_user(request))
    mentor = shortlist_mentor(trainee=trainee, mentor_id=mentor_id, starring=True)
    if trainee is None:
        messages.error(request, "Fill in your trainee profile to keep a shortlist.")
    else:
        try:
            shortlist_add(trainee=trainee, mentor=mentor)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{mentor} is on your shortlist.")
    return redirect_back(request, default="matching-shortlist")


@login_required
@post_only("matching-mentor")
def shortlist_unstar(request: HttpRequest, mentor_id: int) -> HttpResponse:
    trainee = trainee_profile_of(signed_in_user(request))
    mentor = shortlist_mentor(trainee=trainee, mentor_id=mentor_id, starring=False)
    if trainee is not None:
        moved = shortlist_remove(trainee=trainee, mentor=mentor)
        removed = f"{mentor} was removed from your shortlist."
        if moved:
            now = ", ".join(f"{entry.mentor} is your {ORDINALS[entry.rank]} choice" for entry in moved if entry.rank)
            removed += f" Choices have no gaps, so yours moved up: {now}."
        messages.success(request, removed)
    return redirect_back(request, default="matching-shortlist")


def _ranking_saved(mentor_ids: list[int], mentors: list[MentorProfile], *, closed_up: bool) -> str:
    if not mentor_ids:
        return "Your ranking is cleared."
    names = {m.pk: str(m) for m in mentors}
    saved = ", ".join(f"{names[pk]} is your {ORDINALS[rank]} choice" for rank, pk in enumerate(mentor_ids, start=1))
    if closed_up:
        return f"Saved: {saved}. Choices have no empty places between them, so yours moved up."
    return f"Saved: {saved}."


@login_required
def shortlist(request: HttpRequest) -> HttpResponse:
    trainee = trainee_profile_of(signed_in_user(request))
    if trainee is None:
        return render(request, "matching/shortlist.html", {"trainee": None, "entries": [], "form": None})
    entries = shortlist_of(trainee=trainee)
    mentors = [e.mentor for e in entries]
    initial = {f"rank_{e.rank}": e.mentor_id for e in entries if e.rank}
    form = ShortlistRankForm(request.POST or None, mentors=mentors, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                shortlist_rank(trainee=trainee, mentor_ids=form.cleaned_data["mentor_ids"])
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                data = form.cleaned_data
                messages.success(request, _ranking_saved(data["mentor_ids"], mentors, closed_up=data["closed_up"]))
                return redirect("matching-shortlist")
        status = 400
    return render(
        request, "matching/shortlist.html", {"trainee": trainee, "entries": entries, "form": form}, status=status
    )
