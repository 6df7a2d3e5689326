"""Real Celery workers against Redis and PostgreSQL: kill a child, kill the whole worker, lose the broker.

Each test starts `celery -A mentorship worker` (prefork, 2 processes) on the pytest database with a mail backend
that appends one line per message to a file, so a message sent twice is counted even across processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils import timezone

from notifications import dispatch
from notifications.models import Notification
from notifications.tasks import _enqueue_send
from tests.factories import UserFactory
from tests.notifications.mail_backend import message_ids_by_notification, sends_by_notification
from tests.notifications.worker import celery_worker_argv

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(settings.BASE_DIR)


class Worker:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                celery_worker_argv(name="h5", loglevel="INFO"),
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if b" ready." in self.log.read_bytes():
                return
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            time.sleep(0.2)
        raise AssertionError("The worker did not start:\n" + self.log.read_text()[-3000:])

    def kill_all(self) -> None:
        """SIGKILL the parent and every child at once: nothing gets to clean up or acknowledge."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.write_bytes(self.log.read_bytes().replace(b" ready.", b" was-ready."))

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def mail_log(tmp_path: Path) -> Path:
    return tmp_path / "mail.log"


@pytest.fixture
def hook_dir(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "hooks"
    path.mkdir()
    return path


@pytest.fixture
def worker(transactional_db: None, tmp_path: Path, mail_log: Path, hook_dir: Path) -> Iterator[Worker]:
    import redis

    redis_url = os.environ["REDIS_URL"]
    redis.Redis.from_url(redis_url).flushdb()  # no message left over from an earlier test
    db = settings.DATABASES["default"]
    # The worker must use the test database pytest created, with the same credentials.
    credentials = quote(db["USER"], safe="") + (":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "tests.notifications.mail_backend.AppendFileBackend",
        "TEST_MAIL_LOG": str(mail_log),
        "NOTIFICATIONS_TEST_HOOKS": "true",
        "NOTIFICATIONS_TEST_HOOK_DIR": str(hook_dir),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
    }
    process = Worker(env, tmp_path / "worker.log")
    process.start()
    yield process
    process.stop()


def make_due(count: int, marked: dict[int, dict[str, Any]] | None = None) -> list[Notification]:
    user = UserFactory()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="match_approved",
            dedup_key=f"rel:{uuid.uuid4().hex}",
            due_at=timezone.now(),
            context=(marked or {}).get(i, {}),
        )
        for i in range(count)
    )
    return rows


def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, tick: Callable[[], object] = lambda: None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tick()
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"Timed out waiting for {what}")


def all_sent(rows: list[Notification]) -> bool:
    return Notification.objects.filter(pk__in=[r.pk for r in rows], state=Notification.State.SENT).count() == len(rows)


def pid_of(hook_dir: Path, pk: int) -> int:
    wait_for(lambda: (hook_dir / f"{pk}.pid").exists(), 20, f"the worker to pause on {pk}")
    return int((hook_dir / f"{pk}.pid").read_text())


def test_a_worker_child_killed_before_sending_loses_nothing_and_doubles_nothing(
    worker: Worker, hook_dir: Path, mail_log: Path, settings: Any
) -> None:
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 600  # no sweep: recovery must come from the broker redelivering
    pause = {"test_pause_seconds": 60}
    rows = make_due(20, marked={3: pause, 11: pause, 17: pause})
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    for victim in (rows[3], rows[11], rows[17]):
        os.kill(pid_of(hook_dir, victim.pk), signal.SIGKILL)
    wait_for(lambda: all_sent(rows), 40, "all 20 to be sent")
    sends = sends_by_notification(mail_log)
    assert sorted(sends) == sorted(r.pk for r in rows)
    assert set(sends.values()) == {1}


def test_the_whole_worker_killed_mid_batch_and_restarted_sends_everything_once(
    worker: Worker, hook_dir: Path, mail_log: Path, settings: Any
) -> None:
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 3  # rows a dead worker held are claimed again after 3 s
    pause = {"test_pause_seconds": 60}
    rows = make_due(40, marked={5: pause, 6: pause})
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    # The worker is mid-batch, each of its two children holding a row just before sending it. Killing it only
    # then keeps the kill out of the one window where a second copy is by design (docs/reliability.md: the mail
    # server accepted, the commit had not happened); killed at a random instant, it once landed there in CI.
    pid_of(hook_dir, rows[5].pk)
    pid_of(hook_dir, rows[6].pk)
    worker.kill_all()
    sent_before = sum(sends_by_notification(mail_log).values())
    assert sent_before < len(rows)
    worker.start()
    # The beat task's job, run here every 0.3 s: sweep rows stuck past the lease, claim, enqueue.
    wait_for(
        lambda: all_sent(rows),
        45,
        "all 40 to be sent",
        tick=lambda: dispatch.notifications_dispatch_due(enqueue=_enqueue_send),
    )
    sends = sends_by_notification(mail_log)
    assert sorted(sends) == sorted(r.pk for r in rows)
    assert set(sends.values()) == {1}


def test_a_broker_outage_when_a_meeting_is_scheduled_loses_nothing(
    worker: Worker, mail_log: Path, mentor: Any, trainee: Any
) -> None:
    from meetings import services
    from tests.factories import approved_match

    match = approved_match(mentor=mentor, trainee=trainee)
    # Scheduling writes only to the database (the outbox), so it succeeds while the broker is down.
    meeting = services.meeting_propose(
        match=match,
        by=mentor.user,
        start=timezone.now() + timezone.timedelta(days=2),
        duration_minutes=30,
        format="video",
        video_link="https://v.example.org/1",
    )
    row = Notification.objects.get(kind="meeting_proposed", object_id=meeting.pk)

    def broker_down(pk: int, claim: str) -> None:
        from kombu.exceptions import OperationalError

        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    report = dispatch.notifications_dispatch_due(enqueue=broker_down)
    row.refresh_from_db()
    assert (report.claimed, report.released, row.state) == (1, 1, Notification.State.PENDING)
    # The broker is back: the next beat tick sends it.
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    wait_for(lambda: all_sent([row]), 20, "the proposal e-mail")
    assert sends_by_notification(mail_log) == {row.pk: 1}


def test_policy_a_worker_dying_after_the_email_left_sends_that_one_again(
    worker: Worker, hook_dir: Path, mail_log: Path, settings: Any
) -> None:
    """At-least-once (docs/reliability.md): the e-mail left, the row was not yet marked, the process died → the
    redelivered task sends it a second time. Every other message is still sent exactly once."""
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 600
    rows = make_due(6, marked={2: {"test_pause_seconds": 60, "test_pause_when": "after_send"}})
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    os.kill(pid_of(hook_dir, rows[2].pk), signal.SIGKILL)
    wait_for(lambda: all_sent(rows), 40, "all 6 to be sent")
    sends = sends_by_notification(mail_log)
    assert sends[rows[2].pk] == 2
    assert all(sends[r.pk] == 1 for r in rows if r.pk != rows[2].pk)
    # Both copies carry one Message-ID, so a mail client that drops a repeated Message-ID shows one message.
    message_ids = message_ids_by_notification(mail_log)
    assert len(set(message_ids[rows[2].pk])) == 1
    assert len({ids[0] for ids in message_ids.values()}) == len(rows)


def test_a_backlog_of_emails_does_not_hold_up_the_minutes_dispatch(worker: Worker, mail_log: Path) -> None:
    """A cohort's approvals can queue thousands of sends. Beat's dispatch (which claims the reminders falling due,
    sweeps stuck rows and delivers in-app messages) expires after 55 s: queued behind the backlog it never ran
    until the backlog was gone."""
    from notifications.services import notify
    from notifications.tasks import dispatch_due as dispatch_task

    backlog = make_due(30, marked={i: {"test_pause_seconds": 0.5} for i in range(30)})
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    in_app = notify(recipient=UserFactory(), kind="match_approved", email=False)  # delivered by the dispatch itself
    dispatch_task.apply_async(**settings.CELERY_BEAT_SCHEDULE["notifications-dispatch-due"]["options"])
    wait_for(lambda: all_sent([*backlog, in_app]), 60, "the backlog and the dispatch")
    in_app.refresh_from_db()
    sent_before_the_dispatch = Notification.objects.filter(
        pk__in=[r.pk for r in backlog], sent_at__lt=in_app.sent_at
    ).count()
    assert sent_before_the_dispatch <= 10  # without a queue of its own: 28 to 30 of the 30


def test_a_reminder_falling_due_behind_a_backlog_of_emails_goes_out_before_it(worker: Worker, mail_log: Path) -> None:
    """A reminder expires when its meeting begins: queued behind an hour of a cohort's e-mails it would arrive too
    late, or, past its meeting's start, not at all."""
    from notifications.tasks import dispatch_due as dispatch_task

    backlog = make_due(30, marked={i: {"test_pause_seconds": 0.5} for i in range(30)})
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    reminder = Notification.objects.create(
        recipient=UserFactory(),
        kind="match_approved",
        dedup_key=f"rel:{uuid.uuid4().hex}",
        expires_at=timezone.now() + timezone.timedelta(hours=1),
    )
    dispatch_task.apply_async(**settings.CELERY_BEAT_SCHEDULE["notifications-dispatch-due"]["options"])
    wait_for(lambda: all_sent([*backlog, reminder]), 60, "the backlog and the reminder")
    reminder.refresh_from_db()
    sent_before_it = Notification.objects.filter(pk__in=[r.pk for r in backlog], sent_at__lt=reminder.sent_at)
    assert sent_before_it.count() <= 10  # on the backlog's queue: 30 of the 30
    assert sends_by_notification(mail_log)[reminder.pk] == 1


def test_a_message_that_kills_its_worker_every_time_ends_failed_and_a_coordinator_can_retry_it(
    worker: Worker,
    hook_dir: Path,
    mail_log: Path,
    settings: Any,
    login: Any,
    coordinator: Any,
    mentor: Any,
    trainee: Any,
) -> None:
    """A poison message: its send kills the worker child every time (SIGKILL, as the out-of-memory killer would).
    Before, nothing recorded the deaths and the broker redelivered it forever, never `failed`."""
    from tests.factories import ProgramFactory, approved_match

    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 600  # no sweep: the broker's redelivery alone drives it
    match = approved_match(mentor=mentor, trainee=trainee, program=ProgramFactory(coordinators=[coordinator]))
    rows = make_due(6)
    poison = Notification.objects.create(
        recipient=trainee.user,
        kind="match_approved",
        object_type="match",
        object_id=match.pk,
        dedup_key=f"rel:{uuid.uuid4().hex}",
        context={"test_kill_times": 99},
    )
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)

    def settled() -> bool:
        return all_sent(rows) and Notification.objects.get(pk=poison.pk).state == Notification.State.FAILED

    wait_for(settled, 90, "the poison message to fail and the others to be sent")
    poison.refresh_from_db()
    assert poison.attempts == 5  # NOTIFICATIONS_MAX_ATTEMPTS' default, in the worker as here
    assert poison.last_error.startswith("The worker stopped during 5 sending attempts")
    assert len(list(hook_dir.glob(f"{poison.pk}.kill.*"))) == 5  # five deaths, then no sixth attempt
    sends = sends_by_notification(mail_log)
    assert sorted(sends) == sorted(r.pk for r in rows)
    assert set(sends.values()) == {1}

    # The program's coordinator sees it failed, with the reason, and retries it once the cause is fixed.
    client = login(coordinator)
    listed = client.get("/admin/notifications/notification/?state__exact=failed").content.decode()
    assert "The worker stopped during 5 sending attempts" in listed
    Notification.objects.filter(pk=poison.pk).update(context={})  # the cause fixed (workers given more memory)
    client.post("/admin/notifications/notification/", {"action": "retry", "_selected_action": [str(poison.pk)]})
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    wait_for(lambda: all_sent([poison]), 20, "the retried message")
    assert sends_by_notification(mail_log)[poison.pk] == 1


def test_a_worker_child_killed_once_mid_send_counts_the_attempt_and_sends_the_message_once(
    worker: Worker, hook_dir: Path, mail_log: Path, settings: Any
) -> None:
    """A deploy or an out-of-memory kill, once: the attempt is counted (it is what bounds a poison message), and
    the message is still sent, once."""
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 600
    rows = make_due(6, marked={3: {"test_kill_times": 1}})
    dispatch.notifications_dispatch_due(enqueue=_enqueue_send)
    wait_for(lambda: all_sent(rows), 40, "all 6 to be sent")
    assert len(list(hook_dir.glob(f"{rows[3].pk}.kill.*"))) == 1
    sends = sends_by_notification(mail_log)
    assert sorted(sends) == sorted(r.pk for r in rows)
    assert set(sends.values()) == {1}
    rows[3].refresh_from_db()
    assert (rows[3].attempts, rows[3].last_error) == (2, "")
