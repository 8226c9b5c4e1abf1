"""Piccolo app for the shared reference data (VAT rates, categories)."""

import os

from piccolo.conf.apps import AppConfig

from osuus.platform.reference.tables import Category, VatRate

APP_CONFIG = AppConfig(
    app_name="reference",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[VatRate, Category],
    migration_dependencies=["osuus.platform.piccolo_app"],
    commands=[],
)
