from tests.live import smtp_sink, start_worker  # noqa: F401
