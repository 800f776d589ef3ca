"""Dispute cases and people's mediation."""
