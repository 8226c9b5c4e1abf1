"""Piccolo app for meetings."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.meetings.tables import AgendaItem, Attendance, Meeting, MeetingRules

APP_CONFIG = AppConfig(
    app_name="meetings",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[MeetingRules, Meeting, AgendaItem, Attendance],
    migration_dependencies=["osuus.tenants.members.piccolo_app"],
    commands=[],
)
