"""Two requests at the same moment cannot both slip under the open-request limit (real row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from matching.models import Match
from matching.services.requests import TooManyRequests, match_request
from mentorship.errors import ApplicationError
from tests.factories import MentorProfileFactory, ProgramFactory, TraineeProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_simultaneous_requests_over_the_limit_let_exactly_one_through() -> None:
    trainee = TraineeProfileFactory()
    program = ProgramFactory(max_open_requests=1)
    mentors = MentorProfileFactory.create_batch(2)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask(mentor: Any) -> None:
        try:
            barrier.wait()
            match_request(trainee=trainee, mentor=mentor, program=program, message="")
            outcomes.append("created")
        except TooManyRequests:
            outcomes.append("too_many_requests")
        except ApplicationError as error:  # pragma: no cover - shown if the rule changes
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(m,)) for m in mentors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "too_many_requests"]
    assert Match.objects.filter(trainee=trainee).count() == 1
