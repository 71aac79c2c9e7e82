import { isDeepStrictEqual } from "node:util";
import { certificateCovers, txtStrings, type DistributionView, type EdgeControl, type RecordChange, type RecordSet } from "../src/aws/edge-control";

interface Distribution {
  id: string;
  domainName: string;
  aliases: string[];
  status: string;
  certificateArn?: string;
}

/**
 * CloudFront and Route 53 in memory, with the rules a cutover depends on: one distribution per alias,
 * AssociateAlias only with a covering certificate and a matching _<alias> TXT record, change batches that
 * apply all or nothing (DELETE must match the record exactly, CREATE must not find one).
 */
export class MemoryEdge implements EdgeControl {
  readonly distributionsById = new Map<string, Distribution>();
  /** certificate ARN -> the names it covers (an issued certificate). */
  readonly certificates = new Map<string, string[]>();
  readonly zones = new Map<string, string>();
  /** zone id -> "name type" -> record set */
  readonly recordsByZone = new Map<string, Map<string, RecordSet>>();
  /** Every call, in order: "associateAlias E2 host", "changeRecords Z1 3 changes", "waitForChange C1", ... */
  readonly calls: string[] = [];
  /** A call whose description starts with a key fails with that error (once, then the key is removed). */
  readonly failures = new Map<string, Error>();
  private changes = 0;

  addDistribution(d: Distribution): this {
    this.distributionsById.set(d.id, { ...d, aliases: [...d.aliases] });
    return this;
  }

  addZone(id: string, name: string, records: readonly RecordSet[]): this {
    this.zones.set(name, id);
    this.recordsByZone.set(id, new Map(records.map((r) => [`${r.name} ${r.type}`, r])));
    return this;
  }

  /** A copy of a zone's records, for comparing before and after. */
  snapshot(zoneId: string): Record<string, RecordSet> {
    return Object.fromEntries(this.recordsByZone.get(zoneId) ?? []);
  }

  private enter(call: string): void {
    this.calls.push(call);
    for (const [prefix, error] of this.failures) {
      if (call.startsWith(prefix)) {
        this.failures.delete(prefix);
        throw error;
      }
    }
  }

  distributions(): Promise<DistributionView[]> {
    this.enter("distributions");
    return Promise.resolve([...this.distributionsById.values()].map((d) => ({ ...d, aliases: [...d.aliases] })));
  }

  certificateNames(arn: string): Promise<string[]> {
    this.enter(`certificateNames ${arn}`);
    return Promise.resolve([...(this.certificates.get(arn) ?? [])]);
  }

  associateAlias(targetId: string, alias: string): Promise<void> {
    this.enter(`associateAlias ${targetId} ${alias}`);
    const target = this.distributionsById.get(targetId);
    if (!target) return Promise.reject(Object.assign(new Error(`NoSuchDistribution: ${targetId}`), { name: "NoSuchDistribution" }));
    if (!certificateCovers(this.certificates.get(target.certificateArn ?? "") ?? [], alias)) {
      return Promise.reject(Object.assign(new Error(`The certificate of ${targetId} does not cover ${alias}`), { name: "InvalidArgument" }));
    }
    const ownership = [...this.recordsByZone.values()].map((zone) => zone.get(`_${alias} TXT`)).find((r) => r !== undefined);
    if (!ownership?.values?.flatMap(txtStrings).includes(target.domainName)) {
      return Promise.reject(Object.assign(new Error(`no TXT record _${alias} names ${target.domainName}`), { name: "IllegalUpdate" }));
    }
    for (const d of this.distributionsById.values()) {
      if (d.aliases.includes(alias)) {
        d.aliases = d.aliases.filter((a) => a !== alias);
        d.status = "InProgress";
      }
    }
    target.aliases.push(alias);
    target.status = "InProgress";
    return Promise.resolve();
  }

  waitForDistribution(id: string): Promise<void> {
    this.enter(`waitForDistribution ${id}`);
    const d = this.distributionsById.get(id);
    if (d) d.status = "Deployed";
    return Promise.resolve();
  }

  publicZoneId(zoneName: string): Promise<string | undefined> {
    this.enter(`publicZoneId ${zoneName}`);
    return Promise.resolve(this.zones.get(zoneName));
  }

  records(zoneId: string, name: string): Promise<RecordSet[]> {
    this.enter(`records ${name}`);
    return Promise.resolve([...(this.recordsByZone.get(zoneId)?.values() ?? [])].filter((r) => r.name === name));
  }

  changeRecords(zoneId: string, _comment: string, changes: readonly RecordChange[]): Promise<string> {
    this.enter(`changeRecords ${changes.map((c) => `${c.action} ${c.record.name} ${c.record.type}`).join(", ")}`);
    const zone = this.recordsByZone.get(zoneId);
    if (!zone) return Promise.reject(Object.assign(new Error(`NoSuchHostedZone: ${zoneId}`), { name: "NoSuchHostedZone" }));
    const next = new Map(zone);
    for (const { action, record } of changes) {
      const k = `${record.name} ${record.type}`;
      const existing = next.get(k);
      if (action === "CREATE" && existing)
        return Promise.reject(Object.assign(new Error(`InvalidChangeBatch: ${k} already exists`), { name: "InvalidChangeBatch" }));
      if (action === "DELETE") {
        if (!existing || !isDeepStrictEqual(strip(existing), strip(record))) {
          return Promise.reject(Object.assign(new Error(`InvalidChangeBatch: ${k} not found with the given values`), { name: "InvalidChangeBatch" }));
        }
        next.delete(k);
      } else {
        next.set(k, record);
      }
    }
    this.recordsByZone.set(zoneId, next);
    return Promise.resolve(`C${++this.changes}`);
  }

  waitForChange(changeId: string): Promise<void> {
    this.enter(`waitForChange ${changeId}`);
    return Promise.resolve();
  }
}

/** Route 53 compares a DELETE by its values, not by how the caller spelled absent fields. */
const strip = (r: RecordSet) => JSON.parse(JSON.stringify(r)) as unknown;
