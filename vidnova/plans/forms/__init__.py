"""Forms of the plan pages, one module per area."""
