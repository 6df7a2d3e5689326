"""Reads for coordinators: program health and CSV reports. What they show of meetings the meetings app registers
(`meeting_activity`): matching never imports meetings (imports run profiles ← notifications ← matching ← meetings)."""
