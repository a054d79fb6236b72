"""The pure agenda rules: slots across daylight saving, interpreters, reminder times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from learner.appointments import rules

BRUSSELS = ZoneInfo("Europe/Brussels")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def sundays(block: rules.Hours, first: date, last: date) -> list[datetime]:
    found = rules.weekly_slots([block], [], first=first, last=last, tz=BRUSSELS, not_before=EPOCH)
    return [c.starts_at for c in found]


def test_weekly_hours_keep_their_local_time_across_the_end_of_march() -> None:
    # Sundays 9:00-11:00; 28 March 2027 is the last Sunday of March (clocks go 2:00 → 3:00).
    block = rules.Hours(weekday=6, starts=time(9), ends=time(11), minutes=60, purpose="intake")
    starts = sundays(block, date(2027, 3, 21), date(2027, 4, 4))
    assert starts == [
        datetime(2027, 3, 21, 8, tzinfo=UTC),  # CET, UTC+1
        datetime(2027, 3, 21, 9, tzinfo=UTC),
        datetime(2027, 3, 28, 7, tzinfo=UTC),  # CEST, UTC+2, the same day
        datetime(2027, 3, 28, 8, tzinfo=UTC),
        datetime(2027, 4, 4, 7, tzinfo=UTC),
        datetime(2027, 4, 4, 8, tzinfo=UTC),
    ]
    assert {s.astimezone(BRUSSELS).time() for s in starts} == {time(9), time(10)}


def test_weekly_hours_keep_their_local_time_across_the_end_of_october() -> None:
    # 31 October 2027 is the last Sunday of October (clocks go 3:00 → 2:00).
    block = rules.Hours(weekday=6, starts=time(9), ends=time(11), minutes=60, purpose="intake")
    starts = sundays(block, date(2027, 10, 24), date(2027, 11, 7))
    assert starts == [
        datetime(2027, 10, 24, 7, tzinfo=UTC),  # CEST
        datetime(2027, 10, 24, 8, tzinfo=UTC),
        datetime(2027, 10, 31, 8, tzinfo=UTC),  # CET from that morning
        datetime(2027, 10, 31, 9, tzinfo=UTC),
        datetime(2027, 11, 7, 8, tzinfo=UTC),
        datetime(2027, 11, 7, 9, tzinfo=UTC),
    ]


def test_the_hour_that_does_not_exist_gives_no_slot_and_the_doubled_hour_one() -> None:
    night = rules.Hours(weekday=6, starts=time(1), ends=time(4), minutes=30, purpose="question")
    march = [s.astimezone(BRUSSELS) for s in sundays(night, date(2027, 3, 28), date(2027, 3, 28))]
    # 2:00-3:00 never happens that night: neither slot starting in it nor one ending in it.
    assert [s.time() for s in march] == [time(1), time(3), time(3, 30)]
    october = sundays(night, date(2027, 10, 31), date(2027, 10, 31))
    # 2:00 and 2:30 happen twice; each slot is offered once, at its first occurrence.
    assert len(october) == len(set(october)) == 6
    assert october[2] == datetime(2027, 10, 31, 0, tzinfo=UTC)  # 2:00 CEST


def test_slots_start_after_the_notice_and_never_in_a_closure() -> None:
    block = rules.Hours(weekday=0, starts=time(9), ends=time(12), minutes=60, purpose="intake")
    monday = date(2027, 3, 1)
    closure = (datetime(2027, 3, 1, 9, 30, tzinfo=UTC), datetime(2027, 3, 1, 10, tzinfo=UTC))
    found = rules.weekly_slots(
        [block],
        [closure],
        first=monday,
        last=monday,
        tz=BRUSSELS,
        not_before=datetime(2027, 3, 1, 8, 30, tzinfo=UTC),  # 9:30 local
    )
    # 9:00 is before the notice; 10:00 (9:00Z) overlaps the closure; 11:00 remains.
    assert [c.starts_at for c in found] == [datetime(2027, 3, 1, 10, tzinfo=UTC)]


def test_blocks_apply_within_their_validity() -> None:
    block = rules.Hours(
        weekday=0,
        starts=time(9),
        ends=time(10),
        minutes=60,
        purpose="intake",
        valid_from=date(2027, 3, 8),
        valid_until=date(2027, 3, 15),
    )
    found = sundays(block, date(2027, 3, 1), date(2027, 3, 31))
    assert [s.date() for s in found] == [date(2027, 3, 8), date(2027, 3, 15)]


@given(
    weekday=st.integers(0, 6),
    start_hour=st.integers(0, 20),
    length=st.integers(1, 3),
    minutes=st.sampled_from([15, 20, 30, 45, 60]),
    first=st.dates(date(2026, 1, 1), date(2030, 12, 31)),
)
def test_every_slot_lies_in_its_block_on_its_weekday(
    weekday: int, start_hour: int, length: int, minutes: int, first: date
) -> None:
    block = rules.Hours(
        weekday=weekday,
        starts=time(start_hour),
        ends=time(start_hour + length),
        minutes=minutes,
        purpose="intake",
    )
    found = rules.weekly_slots(
        [block], [], first=first, last=first + timedelta(days=13), tz=BRUSSELS, not_before=EPOCH
    )
    assert [c.starts_at for c in found] == sorted(c.starts_at for c in found)
    assert len({c.starts_at for c in found}) == len(found)
    for candidate in found:
        local = candidate.starts_at.astimezone(BRUSSELS)
        assert local.weekday() == weekday
        assert block.starts <= local.time()
        assert candidate.ends_at > candidate.starts_at
    per_day = (length * 60) // minutes
    assert len(found) <= 2 * per_day


def test_an_interpreter_is_needed_only_without_a_shared_language() -> None:
    assert rules.interpreter_language(learner_languages=["ar"], agenda_languages=["nl"]) == "ar"
    assert (
        rules.interpreter_language(learner_languages=["ar", "fr"], agenda_languages=["nl", "fr"])
        == ""
    )
    assert rules.interpreter_language(learner_languages=["TI"], agenda_languages=["nl"]) == "ti"
    assert rules.interpreter_language(learner_languages=[], agenda_languages=["nl"]) == ""


def test_reminders_the_day_before_at_the_same_local_time_and_two_hours_before() -> None:
    # Monday 29 March 2027, 9:00 CEST; the day before is Sunday 9:00 CEST, the clocks moved.
    starts_at = datetime(2027, 3, 29, 7, tzinfo=UTC)
    assert rules.reminder_at("day_before", starts_at, BRUSSELS) == datetime(
        2027, 3, 28, 7, tzinfo=UTC
    )
    assert rules.reminder_at("two_hours", starts_at, BRUSSELS) == datetime(
        2027, 3, 29, 5, tzinfo=UTC
    )
