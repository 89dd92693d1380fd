"""The platform's reference web app: an HTTP API, an SQS worker and a scheduled producer.

One package serves every compute option the platform deploys:

- ``platform_app.lambda_api.handler``: API Gateway HTTP API (payload v2) events through Mangum to the
  ASGI app named by ``PLATFORM_ASGI_APP`` (default ``platform_app.api:app``, a Django project's
  ``django_site.asgi:application`` works the same way).
- ``python -m platform_app.server``: the same ASGI app under uvicorn, for ECS Fargate.
- ``platform_app.lambda_worker.handler``: the SQS worker (partial batch failures).
- ``platform_app.lambda_producer.handler``: the EventBridge Scheduler producer.
- ``python -m platform_app.migrate``: applies ``platform_app/migrations/*.sql`` (also done
  automatically on a process's first database use).

Where things are comes from SSM parameters under ``PLATFORM_PARAMETERS_PATH``, read once per
process (``platform_app.config``); secret values come from Secrets Manager when needed and are never
logged. The environment variables the platform sets: ``PLATFORM_PARAMETERS_PATH``, ``AWS_REGION``,
``MAX_REQUEST_BODY_BYTES``, ``BUILD_VERSION``, ``BUILD_COMMIT``, ``BUILD_TIME``,
``PRODUCER_BATCH_SIZE``, ``PORT``, ``PLATFORM_ASGI_APP``.

Test-only overrides (never set by the platform's infrastructure):

- ``PLATFORM_DB_SSLROOTCERT``: the CA file that verifies the database's certificate (a throwaway CA
  in tests) instead of the Amazon roots.
- ``PLATFORM_CACHE_SSLROOTCERT``: the same for the cache.
- ``AWS_ENDPOINT_URL``: botocore's standard variable, pointing every AWS client at moto.
- A ``cache/endpoint`` parameter of the form ``host:port``: the platform publishes a bare host
  (ElastiCache Serverless listens on 6379); tests run their Redis on a free port.
"""
