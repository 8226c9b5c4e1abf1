"""Support-network organisations: their home page (what coops addressed to them) and their people."""
