import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ValidatedCertificateNames {
  /** Logical name of the aws.acm.Certificate. */
  readonly certificate: string;
  /** Logical name of the Route 53 validation record. */
  readonly record: string;
  /** Logical name of the aws.acm.CertificateValidation. */
  readonly validation: string;
}

export interface ValidatedCertificateArgs {
  /** The one name on the certificate. */
  readonly domainName: string;
  /** Public hosted zone that holds domainName. */
  readonly zoneId: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

export interface ValidatedCertificate {
  readonly certificate: aws.acm.Certificate;
  readonly record: aws.route53.Record;
  /** Completes only once ACM has issued the certificate: depend on it, not on the certificate. */
  readonly validation: aws.acm.CertificateValidation;
}

/**
 * An ACM certificate for one name, validated by DNS in a Route 53 zone. The caller names the three resources
 * and chooses their options, so a caller's logical names and providers stay its own: the certificate and
 * its validation live in the certificate's region (`certificateOpts`), the record is global (`recordOpts`).
 */
export function dnsValidatedCertificate(
  names: ValidatedCertificateNames,
  args: ValidatedCertificateArgs,
  certificateOpts: pulumi.CustomResourceOptions,
  recordOpts: pulumi.CustomResourceOptions,
): ValidatedCertificate {
  const { domainName } = args;
  const certificate = new aws.acm.Certificate(
    names.certificate,
    { domainName, validationMethod: "DNS", tags: args.tags },
    certificateOpts,
  );
  // One name on the certificate, so exactly one validation record (no resources created inside apply()).
  const option = certificate.domainValidationOptions.apply((options) => {
    const found = options?.find((o) => o.domainName === domainName) ?? options?.[0];
    if (!found) throw new pulumi.ResourceError(`ACM returned no DNS validation record for ${domainName}.`, certificate);
    return found;
  });
  const record = new aws.route53.Record(
    names.record,
    {
      zoneId: args.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      // The record is deterministic per name: re-creating the certificate reuses it instead of failing.
      allowOverwrite: true,
    },
    recordOpts,
  );
  const validation = new aws.acm.CertificateValidation(
    names.validation,
    { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
    certificateOpts,
  );
  return { certificate, record, validation };
}
