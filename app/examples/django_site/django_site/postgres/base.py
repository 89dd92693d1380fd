"""Django's PostgreSQL backend with the platform's connection rules: TLS verified as
``platform_app.database`` decides, credentials fresh per connection (an IAM token, or the secret,
read again once when the server refuses it after a rotation)."""

import logging

import psycopg
from django.db.backends.postgresql import base

from platform_app import database
from platform_app.config import require_config

log = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params.update(database.connection_kwargs(require_config(), self.settings_dict["HOST"]))
        return params

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except psycopg.OperationalError as error:
            config = require_config()
            if config.database.auth != "secret" or not database.is_authentication_failure(error):
                raise
        log.warning("database authentication failed; reading its secret again in case it rotated")
        refreshed = {**conn_params, **database.connection_kwargs(config, self.settings_dict["HOST"], refresh_secret=True)}
        return super().get_new_connection(refreshed)
