"""Database connections: TLS always, IAM tokens and rotating secrets, one connection reused."""

from __future__ import annotations

import urllib.parse

import certifi
import psycopg
import pytest

from platform_app import aws, database, secret_store
from platform_app.config import DatabaseSettings, require_config

from conftest import APP_DATABASE, IAM_DATABASE, IAM_ROLE, OWNER_PASSWORD, OWNER_ROLE, PlatformEnvironment


def test_secret_auth_reads_the_secret_and_connects_over_verified_tls(platform: PlatformEnvironment) -> None:
    with database.connect() as conn:
        assert conn.execute("SELECT current_user, current_database()").fetchone() == (OWNER_ROLE, APP_DATABASE)
        assert conn.pgconn.ssl_in_use
        assert conn.info.parameter_status("application_name") == database.APPLICATION_NAME
    params = database.connection_kwargs(require_config())
    assert params["sslmode"] == "verify-full"
    assert params["sslrootcert"] == str(platform.session.pki.ca_certificate)
    assert params["password"] == OWNER_PASSWORD


def test_iam_auth_sends_a_fresh_token_for_this_host_port_and_user_over_tls(
    platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.publish_variant({"database/auth": "iam", "database/user": IAM_ROLE, "database/name": IAM_DATABASE})
    rds = aws.client("rds")
    generated: list[str] = []
    real_generate = rds.generate_db_auth_token

    def recording_generate(**arguments: object) -> str:
        generated.append(real_generate(**arguments))
        return generated[-1]

    monkeypatch.setattr(rds, "generate_db_auth_token", recording_generate)
    first = database.connect()
    second = database.connect()
    try:
        for conn in (first, second):
            assert conn.execute("SELECT current_user").fetchone() == (IAM_ROLE,)
            assert conn.pgconn.ssl_in_use
        # libpq was handed the token as the password: a SigV4-presigned rds-db connect request.
        token = first.info.password
        assert token.startswith(f"{platform.postgres.host}:{platform.postgres.port}/?")
        query = urllib.parse.parse_qs(token.split("?", 1)[1])
        assert query["Action"] == ["connect"]
        assert query["DBUser"] == [IAM_ROLE]
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert query["X-Amz-Credential"][0].split("/")[2:4] == ["eu-west-1", "rds-db"]
        assert "X-Amz-Signature" in query
        # One token per connection (a token expires after 15 minutes; a warm process lives longer).
        assert generated == [first.info.password, second.info.password]
    finally:
        first.close()
        second.close()


def test_the_pool_applies_migrations_through_the_iam_path_too(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"database/auth": "iam", "database/user": IAM_ROLE, "database/name": IAM_DATABASE})
    with database.connection() as conn:
        assert conn.execute("SELECT count(*) FROM schema_migrations WHERE version = '0001'").fetchone() == (1,)
        assert conn.execute("SELECT to_regclass('jobs')::text").fetchone() == ("jobs",)


def test_a_rotated_secret_is_read_again_after_an_authentication_failure(platform: PlatformEnvironment) -> None:
    role, old_password, new_password = "rotating_user", "before-rotation-71a", "after-rotation-28c"
    platform.postgres.create_role(role, old_password)
    secrets = platform.moto.client("secretsmanager")
    arn = secrets.create_secret(Name="platform-test-rotating", SecretString=f'{{"username": "{role}", "password": "{old_password}"}}')[
        "ARN"
    ]
    platform.publish_variant({"database/user": role, "database/secret-arn": arn})
    with database.connect() as conn:
        assert conn.execute("SELECT current_user").fetchone() == (role,)

    # Rotation: the database and the secret change; this process still holds the old password.
    platform.postgres.set_password(role, new_password)
    secrets.put_secret_value(SecretId=arn, SecretString=f'{{"username": "{role}", "password": "{new_password}"}}')
    assert secret_store.read_json_secret(arn)["password"] == old_password

    with database.connect() as conn:
        assert conn.execute("SELECT current_user").fetchone() == (role,)
    assert secret_store.read_json_secret(arn)["password"] == new_password


def test_a_wrong_password_that_stays_wrong_fails_after_one_reread(platform: PlatformEnvironment) -> None:
    arn = platform.moto.client("secretsmanager").create_secret(
        Name="platform-test-wrong", SecretString=f'{{"username": "{OWNER_ROLE}", "password": "not-it"}}'
    )["ARN"]
    platform.publish_variant({"database/secret-arn": arn})
    with pytest.raises(psycopg.OperationalError) as raised:
        database.connect()
    assert database.is_authentication_failure(raised.value)


def test_the_server_refuses_connections_without_tls(platform: PlatformEnvironment) -> None:
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        psycopg.connect(
            host=platform.postgres.host,
            port=platform.postgres.port,
            dbname=APP_DATABASE,
            user=OWNER_ROLE,
            password=OWNER_PASSWORD,
            sslmode="disable",
            connect_timeout=5,
        )


def test_a_server_certificate_from_another_ca_is_rejected(platform: PlatformEnvironment) -> None:
    platform.patch.setenv("PLATFORM_DB_SSLROOTCERT", str(platform.session.pki.other_ca_certificate))
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        database.connect()


def _settings(auth: str) -> DatabaseSettings:
    return DatabaseSettings(
        endpoint="db.cluster-abc.eu-west-1.rds.amazonaws.com",
        reader_endpoint="x",
        name="app",
        port=5432,
        user="app",
        auth=auth,
        secret_arn="arn",
    )  # type: ignore[arg-type]


def test_root_certificate_choice(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("PLATFORM_DB_SSLROOTCERT", raising=False)
    direct_host, proxy_host = "db.cluster-abc.eu-west-1.rds.amazonaws.com", "app.proxy-abc.eu-west-1.rds.amazonaws.com"
    # RDS Proxy presents a certificate from a public Amazon CA: certifi's bundle verifies it.
    assert database.tls_parameters(_settings("iam"), proxy_host) == {"sslmode": "verify-full", "sslrootcert": certifi.where()}
    assert database.tls_parameters(_settings("secret"), proxy_host) == {"sslmode": "verify-full", "sslrootcert": certifi.where()}
    # Direct Aurora without RDS's CA bundle: encrypted only.
    monkeypatch.setattr(database, "BUNDLED_RDS_CA", tmp_path / "rds-global-bundle.pem")
    assert database.tls_parameters(_settings("secret"), direct_host) == {"sslmode": "require"}
    # ...and verified once a team adds the bundle.
    (tmp_path / "rds-global-bundle.pem").write_text("bundle")
    assert database.tls_parameters(_settings("secret"), direct_host) == {
        "sslmode": "verify-full",
        "sslrootcert": str(tmp_path / "rds-global-bundle.pem"),
    }
    monkeypatch.setenv("PLATFORM_DB_SSLROOTCERT", "/ca.pem")
    assert database.tls_parameters(_settings("iam"), proxy_host) == {"sslmode": "verify-full", "sslrootcert": "/ca.pem"}


def test_the_pool_reuses_its_connection_and_replaces_a_broken_one(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    with database.connection() as conn:
        first_pid = conn.info.backend_pid
    with database.connection() as conn:
        assert conn.info.backend_pid == first_pid

    # The server drops the connection while the process sits idle (a proxy timeout, a frozen Lambda).
    with platform.database() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (first_pid,))
    monkeypatch.setattr(database, "IDLE_CHECK_SECONDS", 0.0)
    with database.connection() as conn:
        assert conn.info.backend_pid != first_pid
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_credentials_that_cannot_be_read_are_a_database_error(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"database/secret-arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-test-nothing-AbCdEf"})
    with pytest.raises(psycopg.OperationalError, match="could not obtain the database credentials: ResourceNotFoundException"):
        database.connect()
