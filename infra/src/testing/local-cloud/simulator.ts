/**
 * "Local cloud": a SIMULATOR of the aws, random and docker resource providers, so the real layer programs run
 * unchanged through the real Pulumi engine in tests. It answers with the same computed attributes and invokes
 * as `devctl plan` and the stacks' tests (one table: ../cloud-answers.ts) and keeps its resources as JSON
 * files in a folder. It proves the engine path and our programs' wiring (ordering, stack references,
 * config, history, policy analysis, locking), NOT that AWS would accept the inputs: nothing is validated.
 *
 * Its folder (LOCAL_CLOUD_DIR) holds:
 *   resources/<hash of URN>.json  one file per live resource: { urn, type, id, inputs, outputs }
 *   drift.json                    { "<URN or logical name>": { "<property>": value } }: a refresh reads these
 *                                 values instead of the stored ones, as if someone changed the resource
 *   fail.json                     { "<URN or logical name>": "<message>" }: create, update and delete of that
 *                                 resource fail with the message (partial-failure paths)
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as provider from "@pulumi/pulumi/provider/index.js";
import { fakeId, mockCallResult, mockResourceState } from "../cloud-answers";
import { fromWire, SIG_KEY } from "../wire-values";

type Props = Record<string, unknown>;

export interface StoredResource {
  readonly urn: string;
  readonly type: string;
  readonly id: string;
  /** Inputs as the engine sent them (secrets still wrapped). */
  readonly inputs: Props;
  readonly outputs: Props;
}

/** The logical name at the end of a URN (urn:pulumi:<stack>::<project>::<type chain>::<name>). */
export function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The resource type of a URN: the last link of its type chain. */
export function typeOf(urn: string): string {
  const chain = urn.split("::")[2] ?? "";
  return chain.slice(chain.lastIndexOf("$") + 1);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Props)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Top-level input keys whose (revealed) values differ; `__defaults` and other engine bookkeeping are ignored. */
export function changedKeys(olds: Props, news: Props): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => !k.startsWith("__")));
  const a = fromWire(olds, "reveal") as Props;
  const b = fromWire(news, "reveal") as Props;
  return [...keys].filter((k) => canonical(a[k]) !== canonical(b[k])).sort();
}

/**
 * Inputs AWS cannot change in place (ForceNew in the AWS provider): a change replaces the resource. Only the
 * types whose replacement devctl's risk flags and the programs' behaviour depend on; the rest update in place.
 */
const REPLACED_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
  "aws:rds/parameterGroup:ParameterGroup": ["family", "name"],
  "aws:elasticache/parameterGroup:ParameterGroup": ["family", "name"],
  "aws:rds/instance:Instance": ["identifier", "engine", "username", "storageEncrypted", "kmsKeyId", "dbName"],
  "aws:ec2/vpc:Vpc": ["cidrBlock"],
  "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone"],
  // Task definitions are immutable: every change registers a new revision.
  "aws:ecs/taskDefinition:TaskDefinition": [
    "family",
    "containerDefinitions",
    "cpu",
    "memory",
    "executionRoleArn",
    "taskRoleArn",
    "networkMode",
    "runtimePlatform",
    "volumes",
  ],
};

export class LocalCloud implements provider.Provider {
  /** Region of the provider instance, from its Configure call (see main.ts); the environment's otherwise. */
  region = "eu-west-1";

  constructor(
    private readonly dir: string,
    readonly version: string,
  ) {
    fs.mkdirSync(path.join(dir, "resources"), { recursive: true });
  }

  private file(urn: string): string {
    return path.join(this.dir, "resources", `${createHash("sha256").update(urn).digest("hex").slice(0, 32)}.json`);
  }

  load(urn: string): StoredResource | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(urn), "utf8")) as StoredResource;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  private save(resource: StoredResource): void {
    const file = this.file(resource.urn);
    // Write then rename: a refresh reading at the same moment never sees half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(resource, null, 2));
    fs.renameSync(`${file}.tmp`, file);
  }

  private control<T>(name: "drift.json" | "fail.json"): Record<string, T> {
    const file = path.join(this.dir, name);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, T>) : {};
  }

  /** Runs a change unless fail.json names the resource; either way the answer is a promise, never a throw. */
  private attempt<T>(urn: string, operation: string, change: () => T): Promise<T> {
    try {
      const told = this.control<string>("fail.json");
      const message = told[urn] ?? told[nameOf(urn)];
      if (message !== undefined) throw new Error(`local cloud (simulator): ${operation} of ${nameOf(urn)} failed as told by fail.json: ${message}`);
      return Promise.resolve(change());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** What the resource looks like "in the cloud" for these inputs: the one table's answer. */
  private outputsFor(urn: string, id: string, inputs: Props): Props {
    const plain = fromWire(inputs, "reveal") as Props;
    const state = mockResourceState(typeOf(urn), nameOf(urn), plain, id, urn, { region: this.region });
    // Secret inputs stay secret in the outputs (and any other special wire value stays as the engine sent it).
    for (const [key, value] of Object.entries(inputs)) if (typeof value === "object" && value !== null && SIG_KEY in value) state[key] = value;
    return state;
  }

  check(_urn: string, _olds: Props, news: Props): Promise<provider.CheckResult> {
    return Promise.resolve({ inputs: news });
  }

  diff(_id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    // Compare with the inputs stored at the last create/update. The engine's olds are outputs: where one
    // differs from the outputs stored then, it was refreshed (drifted) and counts instead.
    const stored = this.load(urn);
    const inputs = stored?.inputs ?? news;
    const drifted = (k: string) => stored !== undefined && k in olds && canonical(olds[k]) !== canonical(stored.outputs[k]);
    const current = Object.fromEntries(Object.keys(inputs).map((k) => [k, drifted(k) ? olds[k] : inputs[k]]));
    const changed = changedKeys(current, news);
    const replaces = changed.filter((key) => REPLACED_ON_CHANGE[typeOf(urn)]?.includes(key));
    return Promise.resolve({ changes: changed.length > 0, replaces });
  }

  create(urn: string, inputs: Props): Promise<provider.CreateResult> {
    return this.attempt(urn, "create", () => {
      const plain = fromWire(inputs, "reveal") as Props;
      const id = fakeId(typeOf(urn), nameOf(urn), plain, urn);
      const outputs = this.outputsFor(urn, id, inputs);
      this.save({ urn, type: typeOf(urn), id, inputs, outputs });
      return { id, outs: outputs };
    });
  }

  update(id: string, urn: string, _olds: Props, news: Props): Promise<provider.UpdateResult> {
    return this.attempt(urn, "update", () => {
      const outputs = this.outputsFor(urn, id, news);
      this.save({ urn, type: typeOf(urn), id, inputs: news, outputs });
      return { outs: outputs };
    });
  }

  delete(_id: string, urn: string, props: Props = {}): Promise<void> {
    return this.attempt(urn, "delete", () => {
      // A replacement keeps the URN: the old resource is deleted after its successor was stored under it.
      const stored = this.load(urn);
      if (stored && canonical(stored.outputs) === canonical(props)) fs.rmSync(this.file(urn), { force: true });
    });
  }

  /** A refresh: the stored resource, with what drift.json says someone changed by hand. */
  read(id: string, urn: string, props: Props = {}): Promise<provider.ReadResult> {
    const stored = this.load(urn);
    if (!stored) return Promise.resolve({ id, props });
    const told = this.control<Props>("drift.json");
    const drift = told[urn] ?? told[nameOf(urn)] ?? {};
    return Promise.resolve({ id, props: { ...stored.outputs, ...drift }, inputs: { ...stored.inputs, ...drift } });
  }

  invoke(token: string, inputs: Props): Promise<provider.InvokeResult> {
    return Promise.resolve({ outputs: mockCallResult(token, fromWire(inputs, "reveal") as Props, { region: this.region }) });
  }
}
