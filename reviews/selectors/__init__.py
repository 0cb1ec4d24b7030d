"""Reads for the regulator's workspace: one module per area (clock, queues, case, dashboards)."""

from reviews.selectors.clock import PledgeClock, pledge_clock

__all__ = ["PledgeClock", "pledge_clock"]
