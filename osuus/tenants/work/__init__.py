"""Work: work orders, offers of work to people, and hours."""
