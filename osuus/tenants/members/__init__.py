"""The member register: people and organisations, their classes, status history and family links."""
