"""A process's lasting state (configuration, secrets, connections) in one place."""

from __future__ import annotations


def reset_process_state() -> None:
    """Closes connections and forgets everything read, as a cold start would; the AWS clients are
    kept (they hold no environment-specific state and are slow to build)."""
    from . import cache, config, database, origin, secret_store

    database.reset()
    cache.reset()
    secret_store.reset()
    origin.reset()
    config.reset()
