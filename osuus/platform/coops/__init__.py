"""A coop's own pages in the shared layer: its home page and the people who have roles in it."""
