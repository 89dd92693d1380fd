import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";

/** The header the API's first middleware checks (app/platform_app/origin.py, src/handlers/api/origin.ts). */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify";
/** The KeyValueStore key the rotation function writes each new secret version to. */
export const ORIGIN_VERIFY_KEY = "origin-verify";

/**
 * cloudfront-js-2.0, viewer request on `/api/*`. Whatever `x-origin-verify` a viewer sent is replaced
 * by the value in the associated KeyValueStore. While the key is missing (the minutes between the
 * first apply and the first rotation's setSecret, or a store emptied by hand) the request is answered
 * 503 at the edge rather than forwarded: without the header the origin would answer 403, which reads
 * as "you may not" where the truth is "not ready yet", and nothing reaches the origin that it would
 * refuse anyway. `cf.kvs()` without an id takes the one store associated with the function.
 */
export const ORIGIN_HEADER_FUNCTION_CODE = `import cf from 'cloudfront';

const kvs = cf.kvs();

async function handler(event) {
  var request = event.request;
  delete request.headers['${ORIGIN_VERIFY_HEADER}'];
  var value;
  try {
    value = await kvs.get('${ORIGIN_VERIFY_KEY}');
  } catch (err) {
    value = '';
  }
  if (!value) {
    return {
      statusCode: 503,
      statusDescription: 'Service Unavailable',
      headers: { 'retry-after': { value: '30' }, 'cache-control': { value: 'no-store' } },
    };
  }
  request.headers['${ORIGIN_VERIFY_HEADER}'] = { value: value };
  return request;
}
`;

export interface OriginHeaderFunctionProps {
  readonly naming: Naming;
  /** The KeyValueStore holding the current header value (`CloudfrontKeyValueStore.arn`). */
  readonly keyValueStoreArn: string;
}

/** The viewer-request function that stamps the origin header on every `/api/*` request. */
export class OriginHeaderFunction extends Construct {
  readonly function: CloudfrontFunction;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: OriginHeaderFunctionProps) {
    super(scope, id);
    this.function = new CloudfrontFunction(this, "function", {
      name: props.naming.name("origin-header"),
      runtime: "cloudfront-js-2.0",
      comment: "Adds the origin header on /api/* from the key value store",
      code: ORIGIN_HEADER_FUNCTION_CODE,
      // CloudFront takes at most one store per function.
      keyValueStoreAssociations: [props.keyValueStoreArn],
      publish: true,
    });
    this.arn = this.function.arn;
  }
}
