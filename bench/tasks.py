"""The no-op task: the email worker's baseline on the same Celery workers."""

import time

from celery import shared_task
from django.core.cache import cache
from django_redis import get_redis_connection


@shared_task(ignore_result=True)
def noop(*args) -> None:
    """Do nothing but note when it ran (the bench reads the times)."""
    get_redis_connection("default").rpush(cache.make_key("bench:noop"), time.time())
