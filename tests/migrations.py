"""Moving the test database between migration states (migration tests)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migration_executor() -> MigrationExecutor:
    """An executor with a freshly built graph (the applied set changes under it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def migrate(targets):
    """Migrate to ``targets`` and return the historical apps of that state."""
    migration_executor().migrate(targets)
    return migration_executor().loader.project_state(targets).apps
