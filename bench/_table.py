"""One row per QUALITY.md figure: what the bench suite prints, measured beside its target.

Each bench module offers ``measure(...) -> list[Row]``; ``bench/suite.py`` runs them in turn and
prints one table. A row without a target is context (a peer's figure, a count).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    area: str  # "phone", "server", "sync", "live", "offline", "memory", "peer"
    what: str  # e.g. "learner home, cold: LCP"
    value: float | None  # None: could not be measured (``note`` says why)
    unit: str  # "ms", "KiB", "req/s", "records/s", "s", "MiB", "count", ""
    target: str = ""  # as QUALITY.md writes it: "<= 2000", ">= 300", "== 1000"
    note: str = ""

    @property
    def ok(self) -> bool | None:
        """Whether the value meets the target; None when there is no target or no value."""
        if not self.target or self.value is None:
            return None
        op, _, bound = self.target.partition(" ")
        limit = float(bound)
        return {
            "<=": self.value <= limit,
            ">=": self.value >= limit,
            "==": self.value == limit,
            "<": self.value < limit,
            ">": self.value > limit,
        }[op]


def render(rows: Iterable[Row]) -> str:
    """The rows as one Markdown table, ready to paste into a note."""
    lines = [
        "| area | what | measured | target | met | note |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row.value is None:
            value = "—"
        elif row.unit in ("count", "") and float(row.value).is_integer():
            value = f"{int(row.value):,}"
        elif abs(row.value) >= 100:
            value = f"{row.value:,.0f} {row.unit}".strip()
        else:
            value = f"{row.value:.3g} {row.unit}".strip()
        target = f"{row.target} {row.unit}".strip() if row.target else ""
        met = {True: "yes", False: "**NO**", None: ""}[row.ok]
        lines.append(f"| {row.area} | {row.what} | {value} | {target} | {met} | {row.note} |")
    return "\n".join(lines)
