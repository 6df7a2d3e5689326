"""Reads for coordinators: program health and CSV reports. Meetings data is read through the app registry
(matching never imports meetings: imports run profiles ← notifications ← matching ← meetings)."""
