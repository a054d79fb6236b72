"""Writes of the action plan: proposals and confirmations (``items``), field edits, ticks and
reviews (``edits``). Each is keyword-only, atomic, scoped to who acts, and records its event."""
