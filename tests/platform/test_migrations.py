"""Tables and migrations agree: changing a table without a migration fails CI."""

from __future__ import annotations

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder


@pytest.mark.parametrize("app_name", sorted(Finder().get_app_names()))
async def test_no_table_change_lacks_a_migration(app_name: str) -> None:
    app_config = Finder().get_app_config(app_name)
    statements = await AutoMigrationManager(auto_input="n").get_alter_statements(app_config=app_config)
    pending = [s for group in statements for s in group.statements]
    assert pending == [], f"run: piccolo migrations new {app_name} --auto (then add its RLS migration if needed)"
