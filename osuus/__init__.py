"""Osuus: a hosted platform for supported employment cooperatives."""

import os

# Piccolo finds its engine and apps through this module; set before any table is touched.
os.environ.setdefault("PICCOLO_CONF", "osuus.piccolo_conf")
