"""A learner's dossier version moves after each commit that records an event about them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from learner.profiles.models import LearnerProfile
from portal.events import services
from portal.events.models import Event
from portal.events.services import event_record, events_record
from portal.events.versions import dossier_version_start

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the moves run after them


def _record(profile: LearnerProfile) -> None:
    event_record(code="tests.dossier.changed", actor=None, learner=profile.user)


@transaction.atomic
def _failing_change(profile: LearnerProfile) -> None:
    _record(profile)
    raise RuntimeError("the change fails")


def test_a_commit_moves_the_version_of_each_learner_it_changed_once(
    learner: LearnerProfile, make_learner: Callable[..., LearnerProfile]
) -> None:
    other = make_learner("INB-0002")
    untouched = make_learner("INB-0003")
    before = {p.pk: dossier_version_start(p.user_id) for p in (learner, other, untouched)}
    with transaction.atomic():
        for _ in range(3):
            _record(learner)
        events_record([Event(code="tests.dossier.changed", learner=other.user) for _ in range(2)])
        connection = transaction.get_connection()
        moves = [c for _s, c, _r in connection.run_on_commit if isinstance(c, services._Move)]
        assert len(moves) == 1  # one callback for the whole transaction
        # Not before the commit: a reader now must still see the dossier as it was.
        assert dossier_version_start(learner.user_id) == before[learner.pk]
    assert dossier_version_start(learner.user_id) != before[learner.pk]
    assert dossier_version_start(other.user_id) != before[other.pk]
    assert dossier_version_start(untouched.user_id) == before[untouched.pk]


def test_a_rolled_back_change_keeps_the_version_and_the_next_commit_still_moves_it(
    learner: LearnerProfile, make_learner: Callable[..., LearnerProfile]
) -> None:
    other = make_learner("INB-0002")
    first = dossier_version_start(learner.user_id)
    with pytest.raises(RuntimeError):
        _failing_change(learner)
    assert dossier_version_start(learner.user_id) == first
    # A savepoint rolled back takes its move with it; the rest of the transaction still moves.
    other_first = dossier_version_start(other.user_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                _record(other)
                raise RuntimeError("this part fails")
        except RuntimeError:
            pass
        _record(learner)
    assert dossier_version_start(learner.user_id) != first
    assert dossier_version_start(other.user_id) == other_first


def test_a_lost_version_starts_afresh(learner: LearnerProfile) -> None:
    from django.core.cache import cache

    from portal.events.versions import version_key

    first = dossier_version_start(learner.user_id)
    cache.delete(version_key(learner.user_id))
    assert dossier_version_start(learner.user_id) not in {"", first}
