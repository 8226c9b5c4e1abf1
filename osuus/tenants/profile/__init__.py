"""The coop's own profile and settings: contact details and the description shown to members and partners."""
