"""The stored records the screens read: names for their types, so the UI needs no import of the
store's tables. Screens read these rows; every write goes through a service or the store's
methods, never through a row they were handed."""

from __future__ import annotations

from inburgering_tui.store.models import Attachment, Case, Conversation, HouseholdMember, PipVersion

__all__ = ["Attachment", "Case", "Conversation", "HouseholdMember", "PipVersion"]
