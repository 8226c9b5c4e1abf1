"""Customer invoices, payments and Stripe (built from the invoicing and subscription issues on)."""
