/**
 * The CloudFront and Route 53 calls `devctl dr cutover` makes, behind a narrow interface (EdgeControl) so
 * the cutover runs against an in-memory fake in tests. The SDKs load on first use.
 */
import { awsError } from "./aws-errors";

/** One CloudFront distribution, as far as a cutover reads it. */
export interface DistributionView {
  readonly id: string;
  /** <id>.cloudfront.net */
  readonly domainName: string;
  /** Its alternate domain names (CNAMEs). */
  readonly aliases: readonly string[];
  /** "Deployed" once every edge location has its latest configuration; "InProgress" before. */
  readonly status: string;
  /** The ACM viewer certificate; undefined for the default *.cloudfront.net certificate. */
  readonly certificateArn?: string | undefined;
}

/** A Route 53 record set: either plain values (TXT) or an alias to another AWS name (A/AAAA to CloudFront). */
export interface RecordSet {
  /** Fully qualified, without the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly ttl?: number | undefined;
  /** Plain values as Route 53 stores them (a TXT value keeps its quotes). */
  readonly values?: readonly string[] | undefined;
  readonly alias?: { readonly dnsName: string; readonly hostedZoneId: string; readonly evaluateTargetHealth: boolean } | undefined;
}

export interface RecordChange {
  readonly action: "CREATE" | "UPSERT" | "DELETE";
  readonly record: RecordSet;
}

export interface EdgeControl {
  /** Every standard distribution of the account. */
  distributions(): Promise<DistributionView[]>;
  /** The names an ACM certificate covers (its subject and alternative names). */
  certificateNames(certificateArn: string): Promise<string[]>;
  /**
   * Moves alternate domain name `alias` to distribution `targetId` in one step (CloudFront AssociateAlias).
   * CloudFront checks that the target's certificate covers the alias and that the TXT record _<alias>
   * names the target's <id>.cloudfront.net.
   */
  associateAlias(targetId: string, alias: string): Promise<void>;
  /** Waits until the distribution's status is Deployed. */
  waitForDistribution(id: string, timeoutMs: number): Promise<void>;
  /** The public hosted zone called `zoneName`; undefined when there is none. */
  publicZoneId(zoneName: string): Promise<string | undefined>;
  /** The record sets named exactly `name`, of any type. */
  records(zoneId: string, name: string): Promise<RecordSet[]>;
  /** Applies the changes as one batch (Route 53 applies all of them or none); returns the change's id. */
  changeRecords(zoneId: string, comment: string, changes: readonly RecordChange[]): Promise<string>;
  /** Waits until the change is INSYNC on every Route 53 name server. */
  waitForChange(changeId: string, timeoutMs: number): Promise<void>;
}

/** The hosted zone id every CloudFront alias target carries (fixed by AWS). */
export const CLOUDFRONT_ALIAS_ZONE_ID = "Z2FDTNDATAQYW2";

/** ACM certificates for CloudFront live in us-east-1; CloudFront and Route 53 are global and answer there. */
const GLOBAL_REGION = "us-east-1";

const dropDot = (name: string): string => (name.endsWith(".") ? name.slice(0, -1) : name);

/** Does a certificate with these names serve `host`? A wildcard covers exactly one label. */
export function certificateCovers(names: readonly string[], host: string): boolean {
  return names.some((name) => name === host || (name.startsWith("*.") && host.slice(host.indexOf(".") + 1) === name.slice(2)));
}

/** The strings of a TXT value as Route 53 returns it: `"a" "b c"` -> ["a", "b c"]. */
export function txtStrings(value: string): string[] {
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? "").replace(/\\(.)/g, "$1"));
}

/** A TXT value made of these strings, each quoted as Route 53 expects. */
export function txtValue(strings: readonly string[]): string {
  return strings.map((s) => `"${s.replace(/(["\\])/g, "\\$1")}"`).join(" ");
}

/** The real adapter: the AWS SDK in us-east-1; `endpoint` only in tests (test-endpoint.ts). */
export function sdkEdgeControl(endpoint?: string): EdgeControl {
  const at = { region: GLOBAL_REGION, ...(endpoint ? { endpoint } : {}) };
  const cloudfront = async () => {
    const sdk = await import("@aws-sdk/client-cloudfront");
    return { sdk, client: new sdk.CloudFrontClient(at) };
  };
  const route53 = async () => {
    const sdk = await import("@aws-sdk/client-route-53");
    return { sdk, client: new sdk.Route53Client(at) };
  };
  const call = async <T>(doing: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw awsError(error, doing);
    }
  };
  return {
    distributions: () =>
      call("listing the CloudFront distributions", async () => {
        const { sdk, client } = await cloudfront();
        const found: DistributionView[] = [];
        for await (const page of sdk.paginateListDistributions({ client }, {})) {
          for (const d of page.DistributionList?.Items ?? []) {
            found.push({
              id: d.Id ?? "",
              domainName: d.DomainName ?? "",
              aliases: d.Aliases?.Items ?? [],
              status: d.Status ?? "",
              certificateArn: d.ViewerCertificate?.ACMCertificateArn,
            });
          }
        }
        return found;
      }),
    certificateNames: (certificateArn) =>
      call(`reading certificate ${certificateArn}`, async () => {
        const acm = await import("@aws-sdk/client-acm");
        const response = await new acm.ACMClient(at).send(new acm.DescribeCertificateCommand({ CertificateArn: certificateArn }));
        const certificate = response.Certificate;
        // A certificate that is not ISSUED (expired, revoked, pending) serves nothing.
        if (certificate?.Status !== "ISSUED") return [];
        return [...new Set([certificate.DomainName ?? "", ...(certificate.SubjectAlternativeNames ?? [])].filter((n) => n !== ""))];
      }),
    associateAlias: (targetId, alias) =>
      call(`moving ${alias} to distribution ${targetId} (CloudFront AssociateAlias)`, async () => {
        const { sdk, client } = await cloudfront();
        await client.send(new sdk.AssociateAliasCommand({ TargetDistributionId: targetId, Alias: alias }));
      }),
    waitForDistribution: (id, timeoutMs) =>
      call(`waiting for distribution ${id} to deploy`, async () => {
        const { sdk, client } = await cloudfront();
        await sdk.waitUntilDistributionDeployed({ client, maxWaitTime: Math.ceil(timeoutMs / 1000) }, { Id: id });
      }),
    publicZoneId: (zoneName) =>
      call(`looking up the hosted zone ${zoneName}`, async () => {
        const { sdk, client } = await route53();
        const response = await client.send(new sdk.ListHostedZonesByNameCommand({ DNSName: zoneName }));
        const zone = (response.HostedZones ?? []).find((z) => dropDot(z.Name ?? "") === zoneName && z.Config?.PrivateZone !== true);
        return zone?.Id?.replace(/^\/hostedzone\//, "");
      }),
    records: (zoneId, name) =>
      call(`reading the records of ${name}`, async () => {
        const { sdk, client } = await route53();
        const response = await client.send(new sdk.ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, MaxItems: 20 }));
        return (response.ResourceRecordSets ?? [])
          .filter((r) => dropDot(r.Name ?? "") === name)
          .map((r) => ({
            name,
            type: r.Type ?? "",
            ttl: r.TTL,
            values: r.ResourceRecords?.map((v) => v.Value ?? ""),
            alias: r.AliasTarget
              ? {
                  dnsName: dropDot(r.AliasTarget.DNSName ?? ""),
                  hostedZoneId: r.AliasTarget.HostedZoneId ?? "",
                  evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth ?? false,
                }
              : undefined,
          }));
      }),
    changeRecords: (zoneId, comment, changes) =>
      call(`changing DNS records in zone ${zoneId}`, async () => {
        const { sdk, client } = await route53();
        const response = await client.send(
          new sdk.ChangeResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            ChangeBatch: {
              Comment: comment.slice(0, 256),
              Changes: changes.map(({ action, record }) => ({
                Action: action,
                ResourceRecordSet: {
                  Name: record.name,
                  Type: record.type as "A",
                  ...(record.alias
                    ? {
                        AliasTarget: {
                          DNSName: record.alias.dnsName,
                          HostedZoneId: record.alias.hostedZoneId,
                          EvaluateTargetHealth: record.alias.evaluateTargetHealth,
                        },
                      }
                    : { TTL: record.ttl, ResourceRecords: (record.values ?? []).map((Value) => ({ Value })) }),
                },
              })),
            },
          }),
        );
        return response.ChangeInfo?.Id ?? "";
      }),
    waitForChange: (changeId, timeoutMs) =>
      call(`waiting for Route 53 change ${changeId}`, async () => {
        const { sdk, client } = await route53();
        await sdk.waitUntilResourceRecordSetsChanged({ client, maxWaitTime: Math.ceil(timeoutMs / 1000) }, { Id: changeId });
      }),
  };
}
