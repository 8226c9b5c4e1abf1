"""The coop's notice board and activity feed; a notice may be addressed to a support-network organisation."""
