"""Two clients that read the same version of a goal and PATCH it at the same moment with `If-Match`, on
PostgreSQL with real threads: exactly one change is written, the other is told 412 and writes nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from profiles.models import Goal
from tests.factories import GoalFactory, TraineeProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_patches_of_the_same_version_at_once_write_one_and_refuse_the_other() -> None:
    trainee = TraineeProfileFactory()
    goal = GoalFactory(trainee=trainee, title="Publish a case report")
    url = f"/api/v1/goals/{goal.pk}/"
    reader = APIClient()
    reader.force_authenticate(trainee.user)
    version = reader.get(url)["ETag"]
    start = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def patch(title: str) -> None:
        client = APIClient()
        client.force_authenticate(trainee.user)
        try:
            start.wait(timeout=10)
            answers[title] = client.patch(url, {"title": title}, format="json", HTTP_IF_MATCH=version)
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(title,)) for title in ("From the phone", "From the laptop")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(response.status_code for response in answers.values())
    assert statuses == [200, 412], {t: (r.status_code, r.content[:200]) for t, r in answers.items()}
    written = next(title for title, response in answers.items() if response.status_code == 200)
    assert Goal.objects.get(pk=goal.pk).title == written
