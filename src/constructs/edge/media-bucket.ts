import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type Grantee, grant, sid } from "../iam/grants";
import { SecureBucket } from "../storage/secure-bucket";

export interface MediaBucketProps {
  readonly naming: Naming;
  /** Bucket names are global: the account id is part of the name. */
  readonly account: AccountContext;
  /** A customer-managed key; without one S3-managed keys. */
  readonly kmsKeyArn?: string;
  /** Refuse `destroy` and keep the objects; when false the bucket is emptied and deleted with the stack. */
  readonly protectData: boolean;
  /** Origins whose pages upload and download with pre-signed URLs. Empty: no CORS rule (no browser access). */
  readonly allowedOrigins: string[];
  /** Where S3 server access logs of this bucket go. Default: not logged. */
  readonly accessLogs?: SecureBucket;
}

/**
 * User uploads: a private, versioned, encrypted bucket that browsers reach only with pre-signed
 * URLs the API hands out, so CORS allows the site's origins to PUT, POST and GET and to read the
 * ETag (multipart uploads need it).
 */
export class MediaBucket extends Construct {
  readonly bucket: SecureBucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The key objects are encrypted with; absent with S3-managed keys. */
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: MediaBucketProps) {
    super(scope, id);
    const bucketName = props.naming.name("media", props.account.accountId);
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName,
      encryption: props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : "s3-managed",
      accessLogs: props.accessLogs ? { bucket: props.accessLogs, prefix: `${bucketName}/` } : undefined,
      preventDestroy: props.protectData,
    });
    if (props.allowedOrigins.length > 0) {
      new S3BucketCorsConfiguration(this, "cors", {
        bucket: this.bucket.bucket.id,
        corsRule: [
          {
            id: "browser-uploads",
            allowedMethods: ["PUT", "POST", "GET"],
            allowedOrigins: props.allowedOrigins,
            allowedHeaders: ["*"],
            exposeHeaders: ["ETag"],
            maxAgeSeconds: 3000,
          },
        ],
      });
    }
    this.bucketName = this.bucket.name;
    this.bucketArn = this.bucket.arn;
    this.kmsKeyArn = props.kmsKeyArn;
  }

  /**
   * Read, write and delete objects and list the bucket, including through the pre-signed URLs the
   * grantee hands to browsers (they act with the signer's permissions).
   */
  grantReadWrite(grantee: Grantee): void {
    const statementSid = sid("read-write", this.node.id);
    grant(grantee, { sid: `${statementSid}Objects`, actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [`${this.bucketArn}/*`] }, { keyArn: this.kmsKeyArn, service: "s3", write: true });
    grant(grantee, { sid: `${statementSid}List`, actions: ["s3:ListBucket"], resources: [this.bucketArn] });
  }
}
