"""announce_on_commit: read models hear of committed events, at most once a second per topic."""

import pytest
from django.db import transaction
from django_tasks import task

from shiyu.core import tasks as core_tasks

pytestmark = pytest.mark.django_db
TOPIC = "tests.announce"
HEARD: list[int] = []


@task()
def listener() -> None:
    HEARD.append(1)


@pytest.fixture
def followed():
    HEARD.clear()
    core_tasks._LAST_ANNOUNCED.pop(TOPIC, None)
    core_tasks.follow(TOPIC, listener)
    yield
    core_tasks._FOLLOWERS.pop(TOPIC, None)
    core_tasks._LAST_ANNOUNCED.pop(TOPIC, None)


class Boom(Exception):
    pass


def test_a_rolled_back_announcement_does_not_silence_the_next_commit(
        followed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
        core_tasks.announce_on_commit(TOPIC)
        raise Boom
    assert HEARD == []
    with django_capture_on_commit_callbacks(execute=True):
        core_tasks.announce_on_commit(TOPIC)
    assert HEARD == [1]


def test_many_events_in_one_second_announce_once(followed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(50):
            core_tasks.announce_on_commit(TOPIC)
    with django_capture_on_commit_callbacks(execute=True):
        core_tasks.announce_on_commit(TOPIC)
    assert HEARD == [1]
    core_tasks._LAST_ANNOUNCED[TOPIC] -= core_tasks.FOLLOW_THROTTLE  # a second later
    with django_capture_on_commit_callbacks(execute=True):
        core_tasks.announce_on_commit(TOPIC)
    assert HEARD == [1, 1]


def test_the_throttle_is_judged_at_the_commit_not_when_the_event_is_written(
        followed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        core_tasks.announce_on_commit(TOPIC)
    assert HEARD == [1]
    # A transaction writes its event within the second, but commits a second later.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        core_tasks.announce_on_commit(TOPIC)
        core_tasks.announce_on_commit(TOPIC)
        core_tasks._LAST_ANNOUNCED[TOPIC] -= core_tasks.FOLLOW_THROTTLE
    announcements = [c for c in callbacks if isinstance(c, core_tasks._Announce)]
    assert len(announcements) == 1  # one per transaction, however many events
    assert HEARD == [1, 1]
