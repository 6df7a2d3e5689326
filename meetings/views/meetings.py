from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from matching.views.access import post_only
from meetings import selectors, services
from meetings.errors import MeetingAlreadyProposed, MeetingChangedSinceRead
from meetings.forms import MeetingCancelForm, MeetingProposeForm, MeetingSeenForm, MeetingTimeForm
from meetings.ics import CONTENT_TYPE, meeting_calendar
from meetings.models import Meeting
from meetings.people import local_to_utc, other_side, time_zone_for
from meetings.templatetags.meeting_tags import local_time, other_person_zone
from meetings.views._helpers import form_error, match_or_404, meeting_or_404
from mentorship.errors import ApplicationError
from profiles.access import signed_in_user
from profiles.models import User


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    split = selectors.meetings_split(user=user, past_page=request.GET.get("page"))
    active = selectors.matches_to_arrange_for(user=user)
    return render(request, "meetings/list.html", {"upcoming": split.upcoming, "past": split.past, "matches": active})


@login_required
def meeting_propose(request: HttpRequest, match_id: int) -> HttpResponse:
    match = match_or_404(request, match_id)
    if request.method != "POST":  # said before anyone fills in the form (a POST hears it from the service)
        refusal = services.meeting_propose_refusal(match=match)
        if refusal is not None:
            return render(request, "meetings/propose.html", {"match": match, "refusal": refusal.message})
    zone = time_zone_for(match, request.user)
    form = MeetingProposeForm(
        request.POST or None,
        zone_name=zone.key,
        other_person_zone=other_person_zone(match, request.user, now=timezone.now()),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_propose(
                match=match,
                by=signed_in_user(request),
                start=local_to_utc(form.naive_start(), zone),
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                place=data["place"],
                video_link=data["video_link"],
                phone=data["phone"],
                agenda=data["agenda"],
            )
        except MeetingAlreadyProposed as exc:
            messages.info(request, "Already proposed: this form was sent twice, and the meeting is proposed once.")
            return redirect("meetings-detail", exc.meeting.pk)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Meeting proposed. The other person will be asked to accept it.")
            return redirect("meetings-detail", meeting.pk)
    return render(request, "meetings/propose.html", {"form": form, "match": match}, status=400 if form.errors else 200)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    return _detail(request, meeting, MeetingCancelForm(declining=meeting.is_proposal_to(request.user)))


def _detail(request: HttpRequest, meeting: Meeting, cancel_form: MeetingCancelForm, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    page = selectors.meeting_page_for(user=user, meeting=meeting)
    context = {
        "meeting": meeting,
        "role": page.role,
        "other": page.other,
        "can_accept": page.can_accept,
        "declining": page.declining,
        "can_propose": page.can_propose,
        "cancel_form": cancel_form,
        "feedback": page.feedback,
        "my_feedback": page.my_feedback,
        "first_meeting": page.first_meeting,
        "session_log": page.session_log,
    }
    return render(request, "meetings/detail.html", context, status=status)


def _changed_since_opened(meeting: Meeting, user: User) -> str:
    """Said when an answer or a move was sent from a page showing the meeting as it no longer is."""
    return (
        f"This meeting changed since you opened this page: it is {meeting.get_status_display().lower()} now, on "
        f"{local_time(meeting, user)}. Nothing was changed."
    )


def _answer_refused(
    request: HttpRequest, pk: int, *, cancelling: bool, reason: str = "", unseen: bool = False, shown_status: str = ""
) -> HttpResponse:
    """The meeting page again, as the meeting is now, after an answer sent to a time the person was not shown:
    moved since the page was opened (409), or a form that does not say which time it answers (400). Nothing was
    changed; a reason typed for declining is kept."""
    meeting = meeting_or_404(request, pk)
    user = signed_in_user(request)
    when = local_time(meeting, user)
    declining = meeting.is_proposal_to(user)
    if unseen:
        said = f"This form did not say which time it answers, so nothing was changed: the meeting is on {when}."
    elif shown_status and shown_status != meeting.status:
        said = _changed_since_opened(meeting, user)
    else:
        said = f"The time changed since you opened this page: it is now {when}."
    then = ""
    if declining and meeting.can_change():
        then = " Accept or decline it here." if unseen else " Accept or decline the new time."
    elif cancelling and meeting.can_change():
        then = " Cancel it again if it still does not suit you."
    messages.error(request, said + then)
    form = MeetingCancelForm(declining=declining, initial={"reason": reason})
    return _detail(request, meeting, form, status=400 if unseen else 409)


@login_required
@post_only("meetings-detail")
def meeting_accept(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    # The page's buttons send the meeting's sequence as shown: a form without it (a page from before they did, or
    # one made by hand) is shown the time instead of answering one its sender may not have seen.
    seen = MeetingSeenForm(request.POST)
    if not seen.is_valid():
        return _answer_refused(request, pk, cancelling=False, unseen=True)
    try:
        services.meeting_accept(
            meeting=meeting,
            by=signed_in_user(request),
            seen_sequence=seen.cleaned_data["sequence"],
            seen_status=seen.cleaned_data["status"] or None,
        )
    except MeetingChangedSinceRead:
        return _answer_refused(request, pk, cancelling=False, shown_status=seen.cleaned_data["status"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Meeting accepted. You will both get reminders before it.")
    return redirect("meetings-detail", meeting.pk)


def _move(request: HttpRequest, pk: int, *, suggest: bool) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    if request.method != "POST":  # said before anyone fills in the form (a POST hears it from the service)
        refusal = services.meeting_move_refusal(meeting=meeting, by=signed_in_user(request), suggest=suggest)
        if refusal is not None:
            context = {"meeting": meeting, "suggest": suggest, "refusal": refusal.message}
            return render(request, "meetings/move.html", context)
    zone = time_zone_for(meeting.match, request.user)
    # Starts from the meeting as it is (in the person's zone): moving it an hour should not mean typing the date.
    # In the hour the clocks repeat this drops which of the two it is; `keeping` below puts it back.
    initial = {
        "start": meeting.start.astimezone(zone).replace(tzinfo=None),
        "duration_minutes": meeting.duration_minutes,
    }
    form = MeetingTimeForm(
        request.POST or None,
        zone_name=zone.key,
        other_person_zone=other_person_zone(meeting.match, request.user, now=timezone.now()),
        initial=initial,
    )
    status = 200
    # The page sends the meeting's sequence and status as it showed them: a time the other person moved since, or a
    # proposal they accepted since, is shown again instead of being overwritten by a move made without seeing it.
    seen = MeetingSeenForm(request.POST or None)
    if request.method == "POST" and not seen.is_valid():
        form.add_error(
            None,
            f"This form did not say which time it moves, so nothing was changed: the meeting is on "
            f"{local_time(meeting, request.user)}.",
        )
        status = 400
    elif request.method == "POST" and form.is_valid():
        action = services.meeting_suggest_time if suggest else services.meeting_reschedule
        try:
            action(
                meeting=meeting,
                by=signed_in_user(request),
                start=local_to_utc(form.naive_start(), zone, keeping=meeting.start),
                duration_minutes=form.cleaned_data["duration_minutes"],
                seen_sequence=seen.cleaned_data["sequence"],
                seen_status=seen.cleaned_data["status"] or None,
            )
        except MeetingChangedSinceRead:
            meeting = meeting_or_404(request, pk)  # the page and its hidden version show the meeting as it is now
            form.add_error(
                None,
                f"{_changed_since_opened(meeting, signed_in_user(request))} The time you typed is kept below: send it "
                "again to move the meeting as it is now.",
            )
            status = 409
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "New time sent." if suggest else "Meeting moved; reminders follow the new time.")
            return redirect("meetings-detail", meeting.pk)
    if form.errors and status == 200:
        status = 400
    context = {"form": form, "meeting": meeting, "suggest": suggest}
    return render(request, "meetings/move.html", context, status=status)


@login_required
def meeting_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, suggest=True)


@login_required
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, suggest=False)


@login_required
@post_only("meetings-detail")
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    declining = meeting.is_proposal_to(request.user)
    form = MeetingCancelForm(request.POST, declining=declining)
    if not form.is_valid():
        return _detail(request, meeting, form, status=400)  # nothing cancelled: the reason is not dropped unseen
    reason = form.cleaned_data["reason"]
    seen = MeetingSeenForm(request.POST)
    if not seen.is_valid():
        return _answer_refused(request, pk, cancelling=True, reason=reason, unseen=True)
    try:
        services.meeting_cancel(
            meeting=meeting,
            by=signed_in_user(request),
            reason=reason,
            seen_sequence=seen.cleaned_data["sequence"],
            seen_status=seen.cleaned_data["status"] or None,
        )
    except MeetingChangedSinceRead:
        return _answer_refused(request, pk, cancelling=True, reason=reason, shown_status=seen.cleaned_data["status"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        cancelled = "Meeting cancelled. Its reminders are cancelled too."
        declined = f"Proposal declined: {other_side(meeting.match, request.user)} is told."
        messages.success(request, declined if declining else cancelled)
    return redirect("meetings-detail", meeting.pk)


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    response = HttpResponse(meeting_calendar(meeting), content_type=f"{CONTENT_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
