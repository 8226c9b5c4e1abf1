"""Everything a cooperative owns, one folder per bounded context."""
