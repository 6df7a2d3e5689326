"""Two coordinators click "Approve selected matches" on the same cohort at once, on PostgreSQL with real row locks:
no mentor goes past capacity, no trainee gets two mentors, and each match is decided once."""

from __future__ import annotations

import html
import re
import threading
from collections import Counter

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse

from matching.models import Match, MatchTransition
from profiles.models import MentorProfile
from tests.factories import CoordinatorFactory, MentorProfileFactory, ProgramFactory, TraineeProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _approve_all_at_once(coordinators: list, url: str) -> list[list[str]]:
    """Each coordinator posts "select all N → Approve selected" from their own browser (client) and connection,
    released together; returns the messages each one saw."""
    barrier = threading.Barrier(len(coordinators))
    seen: list[list[str]] = [[] for _ in coordinators]

    def click(index: int) -> None:
        client = Client()
        client.force_login(coordinators[index], backend="profiles.backends.EmailBackend")
        try:
            barrier.wait(timeout=30)
            response = client.post(
                url,
                {"action": "approve_selected", "select_across": "1", "index": 0, ACTION_CHECKBOX_NAME: ["0"]},
                follow=True,
            )
            assert response.status_code == 200
            # From the page, not response.context: the test client's template signal is shared by the threads.
            seen[index] = [html.unescape(m) for m in re.findall(r'<li class="\w+">(.*?)</li>', response.text)]
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(len(coordinators))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return seen


def test_two_coordinators_approving_the_same_cohort_at_once_never_overfill_a_mentor():
    first, second = CoordinatorFactory(full_name="Ana First"), CoordinatorFactory(full_name="Ben Second")
    program = ProgramFactory(coordinators=[first, second])
    mentors = [MentorProfileFactory(capacity=3) for _ in range(20)]  # 60 places
    trainees = TraineeProfileFactory.create_batch(150)
    # Every trainee has two proposals with different mentors: 300 to decide, 60 places.
    Match.objects.bulk_create(
        Match(program=program, mentor=mentors[(i + k * 7) % 20], trainee=t, status="proposed", origin="round", score=50)
        for i, t in enumerate(trainees)
        for k in (0, 1)
    )
    url = reverse("admin:matching_match_changelist") + f"?program={program.pk}&status__exact=proposed"

    seen = _approve_all_at_once([first, second], url)

    loads = MentorProfile.objects.annotate(n=Count("matches", filter=Q(matches__status=Match.Status.APPROVED)))
    assert max(mentor.n - mentor.capacity for mentor in loads) <= 0
    assert Match.objects.filter(status=Match.Status.APPROVED).count() == 60
    per_trainee = Counter(Match.objects.filter(status=Match.Status.APPROVED).values_list("trainee_id", flat=True))
    assert max(per_trainee.values()) == 1
    # Each match moved once, by one of them: nothing approved twice or cancelled after approval.
    moves = Counter(MatchTransition.objects.values_list("match_id", flat=True))
    assert set(moves.values()) == {1}
    # Between them the two screens say every approval once; the rest are refusals naming why.
    approved_by_each = [int(m.split()[1]) for messages in seen for m in messages if m.startswith("Approved ")]
    assert sum(approved_by_each) == 60
    refusals = [m for messages in seen for m in messages if "↔" in m]
    assert refusals
    assert all("at capacity 3/3" in m or "already" in m for m in refusals)
