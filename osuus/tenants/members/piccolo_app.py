"""Piccolo app for the member register."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.members.tables import FamilyLink, Member, MemberEvent

APP_CONFIG = AppConfig(
    app_name="members",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Member, MemberEvent, FamilyLink],
    migration_dependencies=["osuus.platform.piccolo_app"],
    commands=[],
)
