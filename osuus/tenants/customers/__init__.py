"""Customers of a coop: households, companies and public organisations."""
