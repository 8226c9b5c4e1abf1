"""Votes on agenda items: opening a vote, casting ballots (own, by proxy, assisted), closing and frozen results."""
