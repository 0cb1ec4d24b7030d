"""Forms of the regulator's workspace, one module per area."""
