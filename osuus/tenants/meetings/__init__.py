"""Meetings and votes: general meetings and board meetings, notices, agendas, attendance, proxies, votes, minutes."""
