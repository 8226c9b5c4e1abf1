"""Shared reference data: VAT rates per region with validity dates, and the category taxonomy of catalogues."""
