"""HTML pages: meetings (list, propose, detail and its actions, .ics) and sessions (match page, logs, feedback)."""
