"""Employment: contracts, the benefit profile (special-category data), earnings and the earnings guard."""
