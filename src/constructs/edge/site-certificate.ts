import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface SiteCertificateProps {
  /** The site's domain, e.g. `app.example.com`. */
  readonly domainName: string;
  /** Further names the certificate covers, e.g. `www.app.example.com`; all must be in the hosted zone. Default none. */
  readonly subjectAlternativeNames?: string[];
  /** The public hosted zone that holds the validation records. */
  readonly hostedZoneId: string;
  /** An AWS provider for us-east-1: CloudFront only accepts certificates from there. */
  readonly provider: TerraformProvider;
}

/**
 * A DNS-validated ACM certificate for CloudFront. ACM renews it on its own as long as the
 * validation records stay in the zone. The number of records is known at synthesis (one per name),
 * so they are addressed by index rather than with a for_each over values only known after apply.
 */
export class SiteCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** The ARN once validation has succeeded: CloudFront refuses an unvalidated certificate. */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: SiteCertificateProps) {
    super(scope, id);
    const names = [props.domainName, ...(props.subjectAlternativeNames ?? [])];
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: props.domainName,
      subjectAlternativeNames: props.subjectAlternativeNames?.length ? props.subjectAlternativeNames : undefined,
      validationMethod: "DNS",
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      // CloudFront keeps using the old certificate until the replacement is attached.
      lifecycle: { createBeforeDestroy: true },
    });
    const records = names.map((_name, index) => {
      const option = this.certificate.domainValidationOptions.get(index);
      return new Route53Record(this, `validation-${index}`, {
        zoneId: props.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        // A wildcard and its apex share one validation record; the second write must not fail.
        allowOverwrite: true,
      });
    });
    const validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: records.map((record) => record.fqdn),
    });
    this.certificateArn = validation.certificateArn;
  }
}

export interface SiteDnsRecordsProps {
  /** Names to point at the distribution, e.g. `app.example.com`. */
  readonly names: string[];
  readonly hostedZoneId: string;
  readonly distributionDomainName: string;
  /** CloudFront's hosted zone id (`SiteDistribution.hostedZoneId`). */
  readonly distributionHostedZoneId: string;
}

/** A and AAAA alias records from the site's names to the distribution (alias queries are free). */
export class SiteDnsRecords extends Construct {
  readonly records: Route53Record[];

  constructor(scope: Construct, id: string, props: SiteDnsRecordsProps) {
    super(scope, id);
    this.records = props.names.flatMap((name, index) =>
      (["A", "AAAA"] as const).map(
        (type) =>
          new Route53Record(this, `${type.toLowerCase()}-${index}`, {
            zoneId: props.hostedZoneId,
            name,
            type,
            alias: { name: props.distributionDomainName, zoneId: props.distributionHostedZoneId, evaluateTargetHealth: false },
          }),
      ),
    );
  }
}
