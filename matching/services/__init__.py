"""Every write to programs and matches. One module per concern:

- `transitions`: the single place a match changes status (and its audit row is written)
- `requests`: trainees request, cancel; shortlists (the directory feature)
- `decisions`: coordinators approve, decline, end (capacity checked under a row lock)
- `rounds`: cohort matching rounds
"""
