from __future__ import annotations

from typing import Any

from django import template

from vidnova.audit.actions import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """The translated label of an audit action code."""
    return action_label(code)


@register.filter
def audit_value(value: Any) -> str:
    """Show a logged value; empty values are shown as a dash so a change from nothing is visible."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)
