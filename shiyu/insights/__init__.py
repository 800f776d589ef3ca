"""Rollups, metrics and the leaders' dashboard: read-only over the other apps."""
