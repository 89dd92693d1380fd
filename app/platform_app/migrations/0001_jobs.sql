-- Work items: created `queued` by the API or the producer before their message is sent, finished
-- by the worker. `failed` means the message could never be sent; a message whose processing
-- failed stays `queued` (SQS redelivers it) with `attempts` counting the tries.
CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
    result jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0)
);

-- What an operator asks first: what is still queued, oldest first.
CREATE INDEX jobs_status_created_at ON jobs (status, created_at);
