"""Piccolo app for the shared platform tables."""

import os

from piccolo.conf.apps import AppConfig

from osuus.platform import tables

APP_CONFIG = AppConfig(
    app_name="platform",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        tables.Region,
        tables.Coop,
        tables.User,
        tables.CoopRole,
        tables.Organisation,
        tables.OrganisationRegion,
        tables.OrganisationRole,
        tables.Operator,
        tables.RegionCoordinator,
        tables.Invitation,
        tables.EmailToken,
        tables.ApiToken,
        tables.AuditLog,
        tables.Outbox,
    ],
    migration_dependencies=[],
    commands=[],
)
