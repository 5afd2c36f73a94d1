"""Moving the test database between migration states (migration tests)."""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from djangocms_versioning import versionables


def migration_executor() -> MigrationExecutor:
    """An executor with a freshly built graph (the applied set changes under it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def migrate(targets):
    """Migrate to ``targets`` and return the historical apps of that state."""
    migration_executor().migrate(targets)
    return migration_executor().loader.project_state(targets).apps


@contextmanager
def state_before(target):
    """The historical apps at ``target``; the database goes forward to the leaves
    afterwards. A transactional test before this one may have flushed the tables,
    so cached content type ids (versioning looks versions up by them) are dropped
    first."""
    ContentType.objects.clear_cache()
    for versionable in versionables._cms_extension().versionables:
        versionable.__dict__.pop("content_types", None)
    yield migrate([target])
    executor = migration_executor()
    executor.migrate(executor.loader.graph.leaf_nodes())
