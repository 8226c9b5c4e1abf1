"""Self-governance: board seats and the board's target composition (meetings and votes come next)."""
