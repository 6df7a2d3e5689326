from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from meetings import selectors, services
from meetings.errors import SessionAlreadyLogged
from meetings.forms import CheckInForm, FeedbackForm, SessionLogForm
from meetings.models import Meeting, SessionLog
from meetings.people import role_in
from meetings.selectors import goals_behind, is_first_meeting
from meetings.services.feedback import checkin_refusal, feedback_refusal
from meetings.templatetags.meeting_tags import local_time
from meetings.views._helpers import form_error, match_or_404, meeting_or_404
from mentorship.errors import ApplicationError
from profiles.access import signed_in_user


def _log_fields(form: SessionLogForm) -> dict[str, Any]:
    """The session log's fields as the create and update services take them."""
    data = form.cleaned_data
    return {
        "date": data["date"],
        "duration_minutes": data["duration_minutes"],
        "topics": data["topics"],
        "goal_updates": [services.GoalUpdate(goal=g, progress=p) for g, p in form.goal_progress()],
        "notes_shared": data["notes_shared"],
        "notes_private": data["notes_private"],
        "next_steps": data["next_steps"],
    }


@login_required
def match_page(request: HttpRequest, match_id: int) -> HttpResponse:
    """The pair's shared space: meetings, session notes (private notes only for their author), check-in."""
    match = match_or_404(request, match_id)
    user = signed_in_user(request)
    page = selectors.match_page_for(user=user, match=match)
    # Under way, but with someone who left: the page says why instead of offering a proposal the service refuses.
    refusal = services.meeting_propose_refusal(match=match) if page.can_propose else None
    context = {
        "match": match,
        "role": page.role,
        "meetings": page.meetings,
        "logs": page.logs,
        "checkin_period": page.checkin_period,
        "can_propose": page.can_propose,
        "propose_refusal": refusal.message if refusal is not None else "",
        "can_log": page.can_log,
        "coordinators": page.coordinators,
    }
    return render(request, "meetings/match.html", context)


def _say_goals_behind(request: HttpRequest, log: SessionLog) -> None:
    """Name the goals whose figure on the log did not move them: the mentor would otherwise take the plan's figure
    for a save that failed."""
    behind = goals_behind(log)
    if behind:
        titles = ", ".join(f"“{goal.title}”" for goal in behind)
        messages.info(
            request,
            f"Progress on {titles} is recorded on this log but does not change the goal: the trainee or a later "
            f"session recorded progress after this session of {log.date:%-d %b %Y}, and the goal keeps that.",
        )


@login_required
def session_log_create(request: HttpRequest, match_id: int) -> HttpResponse:
    match = match_or_404(request, match_id)
    if role_in(match, request.user) != "mentor":
        raise Http404("Only the mentor logs sessions.")
    refusal = services.session_log_refusal(match=match)
    if refusal is not None:  # before the form, which lists the trainee's goals
        context = {"match": match, "refusal": refusal.message}
        status = refusal.status if request.method == "POST" else 200
        return render(request, "meetings/session_log_form.html", context, status=status)
    try:
        meeting, initial = selectors.session_log_start(
            match=match, user=signed_in_user(request), meeting_id=request.GET.get("meeting")
        )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting in this match.") from None
    logged = getattr(meeting, "session_log", None)
    if logged is not None and request.method != "POST":  # an old link: the empty form would only be refused
        messages.info(request, "This meeting is already logged: here is its log to edit.")
        return redirect("meetings-log-edit", logged.pk)
    initial["submission"] = uuid.uuid4()
    form = SessionLogForm(request.POST or None, goals=selectors.goals_for_log_form(match=match), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            log = services.session_log_create(
                match=match,
                by=signed_in_user(request),
                meeting=meeting,
                submission=form.cleaned_data["submission"],
                same_as_recent_is_one=True,  # Back to a form fetched anew, Save: the same session
                **_log_fields(form),
            )
        except SessionAlreadyLogged as exc:
            if exc.same:
                messages.info(request, "This session was already logged; it is saved once.")
                return redirect("meetings-match", match.pk)
            # Edited after it was saved: keep what was typed, under a fresh id, so sending it again logs it.
            typed = request.POST.copy()  # every value, the ticked topics included
            typed["submission"] = str(uuid.uuid4())
            form = SessionLogForm(typed, goals=selectors.goals_for_log_form(match=match), initial=initial)
            form.is_valid()
            form.add_error(None, exc.message)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            if meeting is None and log.meeting is not None:  # the service took it for the day's meeting: say which
                when = local_time(log.meeting, signed_in_user(request))
                messages.success(request, f"Session logged as the meeting of {when}.")
            else:
                messages.success(request, "Session logged.")
            _say_goals_behind(request, log)
            return redirect("meetings-match", match.pk)
    context = {"form": form, "match": match, "meeting": meeting}
    return render(request, "meetings/session_log_form.html", context, status=400 if form.errors else 200)


@login_required
def session_log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        log = selectors.session_logs_for(user=signed_in_user(request)).get(pk=pk, author=signed_in_user(request))
    except SessionLog.DoesNotExist:
        raise Http404("No such session log of yours.") from None
    initial = {
        "date": log.date,
        "duration_minutes": log.duration_minutes,
        "topics": list(log.topics.all()),
        "notes_shared": log.notes_shared,
        "notes_private": log.notes_private,
        "next_steps": log.next_steps,
        **{f"goal_{u.goal_id}": u.progress for u in log.goal_updates.all()},
    }
    form = SessionLogForm(
        request.POST or None, goals=selectors.goals_for_log_form(match=log.match, log=log), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.session_log_update(
                session_log=log,
                by=signed_in_user(request),
                **_log_fields(form),
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Session log saved.")
            _say_goals_behind(request, saved)
            return redirect("meetings-match", log.match_id)
    context = {"form": form, "match": log.match, "meeting": log.meeting, "log": log}
    return render(request, "meetings/session_log_form.html", context, status=400 if form.errors else 200)


@login_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    meeting: Meeting = meeting_or_404(request, pk)
    if request.method != "POST":  # said before anyone fills in the form (a POST hears it from the service)
        refusal = feedback_refusal(meeting=meeting, by=signed_in_user(request))
        if refusal is not None:
            return render(request, "meetings/feedback_form.html", {"meeting": meeting, "refusal": refusal.message})
    first = is_first_meeting(meeting)
    form = FeedbackForm(request.POST or None, first_meeting=first)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_submit(
                meeting=meeting,
                by=signed_in_user(request),
                rating=data["rating"],
                useful=data["useful"],
                went_well=data["went_well"],
                to_change=data["to_change"],
                good_fit=data.get("good_fit"),
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect("meetings-detail", meeting.pk)
    context = {"form": form, "meeting": meeting}
    return render(request, "meetings/feedback_form.html", context, status=400 if form.errors else 200)


@login_required
def checkin(request: HttpRequest, match_id: int, period: int) -> HttpResponse:
    match = match_or_404(request, match_id)
    if request.method != "POST":  # said before anyone fills in the form (a POST hears it from the service)
        refusal = checkin_refusal(match=match, by=signed_in_user(request), period=period)
        if refusal is not None:
            context = {"match": match, "period": period, "refusal": refusal.message}
            return render(request, "meetings/checkin_form.html", context)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_submit(
                match=match,
                by=signed_in_user(request),
                period=period,
                going_well=form.cleaned_data["going_well"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            # Said as the form said it: a low answer is not only in the totals, it alerts the coordinator.
            messages.success(
                request,
                "Thank you: your program's coordinators see the program's totals, are alerted, with your answer, if "
                "you said it is not going well (1 or 2), and read your comment, if you added one.",
            )
            return redirect("meetings-match", match.pk)
    context = {"form": form, "match": match, "period": period}
    return render(request, "meetings/checkin_form.html", context, status=400 if form.errors else 200)


@staff_member_required
def feedback_summary(request: HttpRequest) -> HttpResponse:
    """Feedback and check-in totals, one table per program the coordinator runs (superusers: all together)."""
    programs = selectors.feedback_summary_for(user=signed_in_user(request))
    if programs is None:
        raise PermissionDenied("Only coordinators see the feedback totals.")
    return render(request, "meetings/feedback_summary.html", {"programs": programs})
