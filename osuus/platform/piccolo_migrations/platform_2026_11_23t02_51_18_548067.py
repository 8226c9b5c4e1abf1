from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey

ID = "2026-11-23T02:51:18:548067"
VERSION = "1.38.0"
DESCRIPTION = "organisation references never cascade on update"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="platform", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Invitation",
        tablename="invitation",
        column_name="organisation",
        db_column_name="organisation_id",
        params={"on_update": OnUpdate.restrict},
        old_params={"on_update": OnUpdate.cascade},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    manager.alter_column(
        table_class_name="AuditLog",
        tablename="audit_log",
        column_name="organisation",
        db_column_name="organisation_id",
        params={"on_update": OnUpdate.restrict},
        old_params={"on_update": OnUpdate.cascade},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
