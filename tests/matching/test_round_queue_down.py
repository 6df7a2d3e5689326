"""Starting a round while the task queue (Redis) is down. Before, the request failed with a server error after the
round row was committed: the round sat "queued" with no worker, and every new start was refused as "already
queued" for the next 30 minutes. Now the round is failed at once with the reason, the coordinator is told, and a
start once the queue is back goes through. Real commits (transaction=True), as in production, where the task is
handed over when the round's transaction commits."""

from __future__ import annotations

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from matching.models import MatchingRound
from tests.factories import MentorProfileFactory, ProgramFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

START = "admin:matching_matchinground_add"


@pytest.fixture
def program(coordinator):
    MentorProfileFactory(capacity=2)  # someone to propose: a round that could propose nobody is refused first
    TraineeProfileFactory()
    return ProgramFactory(name="Demo Program", coordinators=[coordinator])


def _queue_down(pk: int) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_the_admin_says_the_queue_is_down_and_a_start_once_it_is_back_goes_through(
    login, coordinator, program, monkeypatch
):
    monkeypatch.setattr("matching.tasks.run_round.delay", _queue_down)
    client = login(coordinator)
    response = client.post(reverse(START), {"program": program.pk, "algorithm": "optimal"})
    assert response.status_code == 200
    assert "The task queue could not be reached (OperationalError: Error 111" in response.content.decode()
    failed = MatchingRound.objects.get()
    assert failed.status == MatchingRound.Status.FAILED
    assert failed.error.startswith("The task queue could not be reached")

    sent: list[int] = []
    monkeypatch.setattr("matching.tasks.run_round.delay", sent.append)
    again = client.post(reverse(START), {"program": program.pk, "algorithm": "optimal"})
    assert again.status_code == 302  # not "a round is already queued"
    assert sent == [MatchingRound.objects.exclude(pk=failed.pk).get().pk]


def test_the_api_answers_503_with_its_code_and_leaves_no_round_queued(coordinator, program, monkeypatch):
    monkeypatch.setattr("matching.tasks.run_round.delay", _queue_down)
    client = APIClient()
    client.force_authenticate(coordinator)
    response = client.post(f"/api/v1/programs/{program.pk}/rounds/", {"algorithm": "stable"}, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "task_queue_unavailable"
    assert not MatchingRound.objects.filter(status=MatchingRound.Status.QUEUED).exists()
