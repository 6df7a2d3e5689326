"""Every write to programs and matches. One module per concern:

- `transitions`: the single place a match changes status (and its audit row is written)
- `requests`: trainees request, cancel; shortlists (the directory feature)
- `decisions`: coordinators approve, decline, end (capacity checked under a row lock); `approvals` approves one
  match or a whole cohort in one batch, `refusals` names why a decision cannot be made
- `rounds`: cohort matching rounds
"""
