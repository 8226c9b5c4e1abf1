"""Piccolo app for votes."""

import os

from piccolo.conf.apps import AppConfig

from osuus.tenants.votes.tables import Ballot, Candidate, Vote, VoteCast, VoteTally

APP_CONFIG = AppConfig(
    app_name="votes",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Vote, Candidate, VoteCast, Ballot, VoteTally],
    migration_dependencies=[
        "osuus.tenants.members.piccolo_app",
        "osuus.tenants.governance.piccolo_app",
        "osuus.tenants.meetings.piccolo_app",
    ],
    commands=[],
)
