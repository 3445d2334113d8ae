"""Reads of plans, one module per area. The common ones are re-exported here."""

from vidnova.plans.selectors.plans import current_version, plans_visible_to

__all__ = ["current_version", "plans_visible_to"]
