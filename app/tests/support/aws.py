"""moto as the AWS API (in-process ThreadedMotoServer on a free port), and what the infrastructure
would publish there: the work queue, the secrets and the SSM parameters."""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from .servers import free_port

REGION = "eu-west-1"

# What the SDK may read from the environment: the test points it at moto and nothing else leaks in.
AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
AWS_VARIABLES_TO_CLEAR = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SECURITY_TOKEN")


class Moto:
    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> None:
        # One line per AWS call would bury a failing test's own output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    def client(self, service: str) -> Any:
        """A test-side client of its own, so the app's cached clients stay untouched."""
        return boto3.session.Session().client(service, region_name=REGION, endpoint_url=self.endpoint)


def put_json_secret(moto: Moto, name: str, value: dict[str, Any]) -> str:
    return moto.client("secretsmanager").create_secret(Name=name, SecretString=json.dumps(value))["ARN"]


def publish_parameters(moto: Moto, path: str, values: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> None:
    """SecureStrings, as the infrastructure publishes them."""
    ssm = moto.client("ssm")
    for name, value in values.items():
        if name not in leave_out:
            ssm.put_parameter(Name=f"{path}/{name}", Value=value, Type="SecureString", Overwrite=True)


def receive_all(moto: Moto, queue_url: str, limit: int = 50) -> list[dict[str, Any]]:
    """Everything on the queue (up to ``limit``), received for real."""
    sqs = moto.client("sqs")
    messages: list[dict[str, Any]] = []
    while len(messages) < limit:
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            break
        messages.extend(batch)
    return messages


def sqs_event(queue_arn: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """What Lambda's SQS event source hands the worker for these received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message.get("ReceiptHandle", ""),
                "body": message["Body"],
                "attributes": {"ApproximateReceiveCount": message.get("Attributes", {}).get("ApproximateReceiveCount", "1")},
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }
