"""Probe PostgreSQL and Redis on this machine; print shell exports for the tests.

Prints `export ...` lines on stdout (for eval) and a human summary on stderr.
Services that do not answer are left out, and the tests use the embedded default.
"""

import os
import socket
import sys

PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def postgres_answers() -> bool:
    try:
        import psycopg2
    except ImportError:
        return False
    try:
        psycopg2.connect(
            host=PG[0],
            port=PG[1],
            user="postgres",
            dbname="postgres",
            connect_timeout=2,
        ).close()
        return True
    except psycopg2.Error:
        return False


def main() -> None:
    exports = {}
    if os.environ.get("TEST_BACKENDS") == "embedded":  # check the fallback on purpose
        print("unset DATABASE_URL REDIS_URL")
        print(
            "Tests use: SQLite and the filesystem broker (TEST_BACKENDS=embedded)",
            file=sys.stderr,
        )
        return
    if "DATABASE_URL" in os.environ:
        scheme = os.environ["DATABASE_URL"].split(":")[0]
        database = f"DATABASE_URL from the environment ({scheme})"
    elif postgres_answers():
        exports["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/campaign"
        database = "PostgreSQL at 127.0.0.1:5432"
    else:
        database = "SQLite (embedded default; PostgreSQL did not answer)"
    if "REDIS_URL" in os.environ:
        broker = "REDIS_URL from the environment"
    elif redis_answers():
        exports["REDIS_URL"] = "redis://127.0.0.1:6379/15"
        broker = "Redis at 127.0.0.1:6379 (db 15) as broker and cache"
    else:
        broker = "filesystem broker and local-memory cache (Redis did not answer)"
    for name, value in exports.items():
        print(f"export {name}={value}")
    print(f"Tests use: database = {database}; broker = {broker}", file=sys.stderr)


if __name__ == "__main__":
    main()
