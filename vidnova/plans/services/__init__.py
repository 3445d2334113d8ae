"""Every write to plans, one module per area (plans, sections, workflow, goals, comments, exports).

Each service is keyword-only and typed, takes the acting user (None for commands and the demo),
checks access with vidnova.accounts.access, runs in one transaction and writes the audit log.
"""
