"""Matching rounds in the admin: start one, watch its progress, read its quality report, approve its proposals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from matching.admin_views import access
from matching.models import Match, MatchingRound, Program
from matching.services.rounds import round_start
from mentorship.errors import ApplicationError
from mentorship.filters import as_id
from profiles.access import signed_in_user

#: The engine's quality report (matching.quality.Quality), as a coordinator reads it.
QUALITY_LABELS: tuple[tuple[str, str, str], ...] = (
    ("matched_pct_of_possible", "Trainees matched (of those who could be)", "%"),
    ("top3_pct", "Matched to one of their top-3 mentors", "%"),
    ("mean_score", "Mean score", " / 100"),
    ("max_load_ratio", "Highest mentor load (share of free places used)", ""),
    ("load_gini", "Load spread (Gini, 0 = even)", ""),
    ("blocking_pairs", "Blocking pairs (pairs who would both rather have each other)", ""),
)


class RoundStartForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label="Program")
    algorithm = forms.ChoiceField(
        choices=MatchingRound.Algorithm.choices,
        initial=MatchingRound.Algorithm.OPTIMAL,
        widget=forms.RadioSelect,
        help_text="Optimal gives the highest total fit; stable is residency-match style (no pair would rather "
        "have each other), using trainees' ranked shortlists where they made one.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programs = access.programs_for(user).filter(is_active=True)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        # Most coordinators run one program: choose it for them rather than offer "---------".
        only = list(programs[:2])
        if len(only) == 1 and "program" not in self.initial:
            self.initial["program"] = only[0].pk


def _places_rows(quality: dict[str, Any]) -> list[tuple[str, str]]:
    """What the round leaves: free places, and the trainees it could not match with the engine's reason. Rounds
    run before the report had these keys show none of these rows rather than blanks."""
    rows: list[tuple[str, str]] = []
    if quality.get("free_places_left") is not None:
        mentors = quality.get("mentors_with_free_places_left", 0)
        rows.append(
            (
                "Free places left if every proposal is approved",
                f"{quality['free_places_left']} of {quality.get('free_places', 0)} "
                f"(with {mentors} mentor{pluralize(mentors)})",
            )
        )
    if quality.get("unmatched") is not None:
        rows.append(("Trainees left unmatched", str(quality["unmatched"])))
        rows.append(("· no acceptable mentor with a free place", str(quality.get("unmatched_no_acceptable_mentor"))))
        rows.append(
            (
                "· places ran out (every acceptable mentor's places went to others)",
                str(quality.get("unmatched_places_ran_out")),
            )
        )
    return rows


def _number(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def start_page(model_admin: admin.ModelAdmin[MatchingRound], request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not model_admin.has_add_permission(request):
        raise Http404
    asked = request.GET.get("program") or ""
    initial = {"program": asked} if asked else None
    form = RoundStartForm(request.POST or None, user=user, initial=initial)
    # "Run a round" is offered on every program's row; the form offers only active ones, so say why one is missing.
    asked_id = as_id(asked)
    inactive = access.programs_for(user).filter(pk=asked_id, is_active=False).first() if asked_id else None
    if request.method == "POST" and form.is_valid():
        try:
            matching_round = round_start(
                program=form.cleaned_data["program"], algorithm=form.cleaned_data["algorithm"], by=user
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Round #{matching_round.pk} started for {matching_round.program}.")
            return HttpResponseRedirect(reverse("admin:matching_matchinground_change", args=[matching_round.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Run a matching round",
        "opts": MatchingRound._meta,
        "form": form,
        "inactive_program": inactive,
    }
    return TemplateResponse(request, "admin/matching/matchinground/start.html", context)


def _round_for(request: HttpRequest, round_id: Any) -> MatchingRound:
    user = signed_in_user(request)
    return get_object_or_404(access.rounds_for(user).select_related("program", "started_by"), pk=round_id)


def _stalled_note(matching_round: MatchingRound) -> str:
    """What the page says of a round nobody is working on any more (its worker died, or none took it up)."""
    if not matching_round.is_stale(timezone.now()):
        return ""
    if matching_round.status == MatchingRound.Status.QUEUED:
        return "No worker has taken this round up yet: check that the workers are running, or start it again."
    since = timezone.localtime(matching_round.last_sign_of_life())
    return (
        f"The worker running this round has shown no progress since {since:%H:%M:%S}: it has probably stopped. "
        "Another worker takes the round over when the task queue hands it back; or start it again."
    )


def _status_payload(matching_round: MatchingRound) -> dict[str, Any]:
    return {
        "id": matching_round.pk,
        "status": matching_round.status,
        "status_label": matching_round.get_status_display(),
        "stage": matching_round.stage,
        "progress": matching_round.progress,
        "finished": matching_round.is_finished(),
        "error": matching_round.error or _stalled_note(matching_round),
    }


def status_json(model_admin: admin.ModelAdmin[MatchingRound], request: HttpRequest, round_id: int) -> JsonResponse:
    return JsonResponse(_status_payload(_round_for(request, round_id)))


def detail_page(model_admin: admin.ModelAdmin[MatchingRound], request: HttpRequest, object_id: str) -> HttpResponse:
    round_id = as_id(object_id)
    if round_id is None:
        raise Http404
    matching_round = _round_for(request, round_id)
    proposals = (
        Match.objects.filter(round=matching_round)
        .select_related("trainee__user", "mentor__user")
        .order_by("-score", "pk")
    )
    quality = matching_round.quality or {}
    changelist = reverse("admin:matching_match_changelist")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Matching round #{matching_round.pk}",
        "opts": MatchingRound._meta,
        "round": matching_round,
        "status": _status_payload(matching_round),
        "status_url": reverse("admin:matching_matchinground_status", args=[matching_round.pk]),
        "quality_rows": [
            (label, _number(quality[key]), unit) for key, label, unit in QUALITY_LABELS if quality.get(key) is not None
        ],
        "quality": quality,
        "places_rows": _places_rows(quality),
        "not_written": quality.get("not_written") or 0,
        "proposals": proposals[:25],
        "proposal_count": proposals.count(),
        "pending_count": proposals.filter(status=Match.Status.PROPOSED).count(),
        "approve_url": f"{changelist}?round={matching_round.pk}&status__exact=proposed",
        "all_url": f"{changelist}?round={matching_round.pk}",
    }
    return TemplateResponse(request, "admin/matching/matchinground/detail.html", context)
