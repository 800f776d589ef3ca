"""Residents' proposals for their community and support for them."""
