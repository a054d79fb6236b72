"""Pure rules of the agenda: slots from weekly hours, interpreters, reminder times.

Everything here works on plain data and an explicit time zone, so daylight saving is tested
without a database: a block "Mondays 9:00-12:00" stays 9:00 local time all year, a wall-clock
time that does not exist (the spring-forward hour) yields no slot, and one that exists twice
(the autumn hour) is taken once, at its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Hours:
    weekday: int  # 0 = Monday
    starts: time
    ends: time
    minutes: int
    purpose: str
    mode: str = "office"
    place: str = ""
    capacity: int = 1
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class Candidate:
    """A slot that can be offered: aware datetimes, in UTC."""

    starts_at: datetime
    ends_at: datetime
    purpose: str
    mode: str
    place: str
    capacity: int


def local_moment(day: date, wall: time, tz: ZoneInfo) -> datetime | None:
    """The instant a wall-clock time happens on ``day`` in ``tz``; None if it never happens."""
    naive = datetime.combine(day, wall)
    aware = naive.replace(tzinfo=tz)  # fold=0: an hour that exists twice is taken the first time
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None  # skipped by the clock change (e.g. 2:30 on the last Sunday of March)
    return aware.astimezone(UTC)


def weekly_slots(
    hours: Iterable[Hours],
    closures: Sequence[tuple[datetime, datetime]],
    *,
    first: date,
    last: date,
    tz: ZoneInfo,
    not_before: datetime,
) -> list[Candidate]:
    """Every slot the blocks give from ``first`` to ``last`` (inclusive), in time order.

    A slot is left out when it starts before ``not_before`` (the booking notice) or overlaps a
    closure. Blocks are cut by wall-clock time, so a slot never spans a clock change badly.
    """
    blocks = list(hours)
    found: list[Candidate] = []
    day = first
    while day <= last:
        for block in blocks:
            if not block.applies_on(day):
                continue
            found.extend(_cut(block, day, tz, closures, not_before))
        day += timedelta(days=1)
    return sorted(found, key=lambda c: (c.starts_at, c.purpose))


def _cut(
    block: Hours,
    day: date,
    tz: ZoneInfo,
    closures: Sequence[tuple[datetime, datetime]],
    not_before: datetime,
) -> Iterable[Candidate]:
    step = timedelta(minutes=block.minutes)
    wall = datetime.combine(day, block.starts)
    close = datetime.combine(day, block.ends)
    while wall + step <= close:
        starts_at = local_moment(day, wall.time(), tz)
        ends_at = local_moment(day, (wall + step).time(), tz)
        wall += step
        if starts_at is None or ends_at is None or ends_at <= starts_at:
            continue
        if starts_at < not_before:
            continue
        if any(starts_at < until and since < ends_at for since, until in closures):
            continue
        yield Candidate(starts_at, ends_at, block.purpose, block.mode, block.place, block.capacity)


def interpreter_language(
    *, learner_languages: Sequence[str], agenda_languages: Sequence[str]
) -> str:
    """The language an interpreter should speak, or "" when the learner and the case manager
    share one. Learners list their languages most fluent first."""
    spoken = [code.lower() for code in learner_languages if code]
    shared = {code.lower() for code in agenda_languages}
    if not spoken or any(code in shared for code in spoken):
        return ""
    return spoken[0]


def reminder_at(kind: str, starts_at: datetime, tz: ZoneInfo) -> datetime:
    """When a reminder goes: the day before at the same local time, or two hours before."""
    if kind == "day_before":
        local = starts_at.astimezone(tz)
        previous = (local.replace(tzinfo=None) - timedelta(days=1)).replace(tzinfo=tz)
        return previous.astimezone(UTC)
    if kind == "two_hours":
        return starts_at - timedelta(hours=2)
    raise ValueError(f"Unknown reminder kind {kind!r}.")
