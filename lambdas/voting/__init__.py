"""Voting function: counts queued votes, one per (poll, user), latest submission wins, exact tallies."""
