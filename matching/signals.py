"""What matching tells the apps above it (`meetings`), which it may not import.

`match_ended` is sent inside `match_end`'s transaction, after the match is saved as ended, with `match` and
`by` (the coordinator). A receiver's writes commit or roll back with the match's end.
"""

from __future__ import annotations

from django.dispatch import Signal

match_ended = Signal()
