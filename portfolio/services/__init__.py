"""Writes of the portfolio: keyword-only, typed, atomic; each docstring says what it emits."""

from portfolio.services.access import dossier_access_record
from portfolio.services.derived import SyncResult, portfolio_sync_derived
from portfolio.services.files import (
    QuotaExceeded,
    attachment_add,
    attachment_remove,
    attachment_store,
)
from portfolio.services.items import item_add, item_change, item_remove, recognition_update

__all__ = [
    "QuotaExceeded",
    "SyncResult",
    "attachment_add",
    "attachment_remove",
    "attachment_store",
    "dossier_access_record",
    "item_add",
    "item_change",
    "item_remove",
    "portfolio_sync_derived",
    "recognition_update",
]
