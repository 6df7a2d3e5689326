"""Coordinator pages inside the admin: batch decisions, matching rounds (start, progress), program health, CSV."""
