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
  /** The certificate's subject; its validation record is created here. */
  readonly domainName: string;
  /**
   * Further names on the certificate whose validation record another stack of the same account already keeps
   * (ACM asks for one record per name and account, so it is the same record): none is created here, and
   * the validation waits for ACM to find it. Default: none.
   */
  readonly namesValidatedElsewhere?: readonly string[];
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
  const elsewhere = args.namesValidatedElsewhere ?? [];
  const certificate = new aws.acm.Certificate(
    names.certificate,
    { domainName, ...(elsewhere.length > 0 ? { subjectAlternativeNames: [...elsewhere] } : {}), validationMethod: "DNS", tags: args.tags },
    certificateOpts,
  );
  const optionFor = (name: string) =>
    certificate.domainValidationOptions.apply((options) => {
      const found = options?.find((o) => o.domainName === name) ?? (elsewhere.length === 0 ? options?.[0] : undefined);
      if (!found) throw new pulumi.ResourceError(`ACM returned no DNS validation record for ${name}.`, certificate);
      return found;
    });
  // One record created here, for the subject (no resources created inside apply()).
  const option = optionFor(domainName);
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
    {
      certificateArn: certificate.arn,
      // The provider insists on every name's record, including those kept elsewhere.
      validationRecordFqdns: [record.fqdn, ...elsewhere.map((name) => optionFor(name).resourceRecordName.apply((fqdn) => fqdn.replace(/\.$/, "")))],
    },
    certificateOpts,
  );
  return { certificate, record, validation };
}
