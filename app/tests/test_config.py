"""The platform's parameters and secrets, as the infrastructure publishes them."""

from __future__ import annotations

import json

import pytest

from platform_app import aws, config, secret_store

from conftest import APP_SECRET_KEY, PlatformEnvironment


def test_every_parameter_is_read_across_pages(platform: PlatformEnvironment) -> None:
    # Eleven parameters at ten per page: the second page matters.
    status = config.load_config()
    assert status.ok and status.config is not None
    assert status.config.parameters_path == platform.path
    assert status.config.database.port == platform.postgres.port
    assert status.config.database.auth == "secret"
    assert status.config.queue_url == platform.queue_url
    assert status.config.table_name is None


def test_the_optional_table_name_is_read_when_published(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"table/name": "platform-test-table"})
    assert config.require_config().table_name == "platform-test-table"


def test_a_missing_path_variable_is_reported(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.PARAMETERS_PATH_VARIABLE)
    assert config.load_config().describe() == "missing: PLATFORM_PARAMETERS_PATH"
    with pytest.raises(config.ConfigurationError, match="missing: PLATFORM_PARAMETERS_PATH"):
        config.require_config()


def test_handed_over_parameters_that_are_not_a_json_object_of_strings_are_reported(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    for text in ("not json", '["a"]', '{"queue/url": 5}'):
        monkeypatch.setenv(config.PARAMETERS_VARIABLE, text)
        config.reset()
        assert config.load_config().describe() == "invalid: PLATFORM_PARAMETERS"


def test_handed_over_parameters_are_checked_like_published_ones(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    incomplete = {name: value for name, value in platform.parameters.items() if name != "queue/url"}
    monkeypatch.setenv(config.PARAMETERS_VARIABLE, json.dumps(incomplete))
    config.reset()
    assert config.load_config().describe() == "missing: queue/url"
    monkeypatch.setenv(config.PARAMETERS_VARIABLE, json.dumps({**platform.parameters, "database/auth": "kerberos"}))
    config.reset()
    assert config.load_config().describe() == "invalid: database/auth"


def test_unusable_values_are_reported_by_name(platform: PlatformEnvironment) -> None:
    platform.publish_variant({"database/auth": "kerberos", "database/port": "fifty"})
    assert config.load_config().describe() == "invalid: database/port, database/auth"


def test_an_unreachable_ssm_is_reported_by_error_name(platform: PlatformEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    aws.reset()
    try:
        assert config.load_config().describe() == "unavailable: EndpointConnectionError"
    finally:
        monkeypatch.undo()
        aws.reset()


def test_the_app_secret_key_is_read_when_asked_for(platform: PlatformEnvironment) -> None:
    assert secret_store.app_secret_key() == APP_SECRET_KEY


def test_an_app_secret_without_the_key_is_refused_without_showing_it(platform: PlatformEnvironment) -> None:
    arn = platform.moto.client("secretsmanager").create_secret(Name="platform-test-app-empty", SecretString='{"OTHER": "value-123"}')["ARN"]
    platform.publish_variant({"app/secret-arn": arn})
    with pytest.raises(secret_store.SecretFormatError, match="no SECRET_KEY") as raised:
        secret_store.app_secret_key()
    assert "value-123" not in str(raised.value)
