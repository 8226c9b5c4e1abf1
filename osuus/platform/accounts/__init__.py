"""Accounts: sign-up, e-mail verification, sign-in and out, password reset, invitations, language."""
