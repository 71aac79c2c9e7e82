import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeId, mockCallResult, mockResourceState } from "../cloud-answers";
import { wireSecret } from "../wire-values";
import { changedKeys, LocalCloud, nameOf, typeOf } from "./simulator";

const SECRET = wireSecret("hunter2");
const urn = (type: string, name: string) => `urn:pulumi:staging::platform-network::platform:network:Network$${type}::${name}`;

describe("local cloud simulator", () => {
  let dir: string;
  let cloud: LocalCloud;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-cloud-"));
    cloud = new LocalCloud(dir, "7.48.0");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads type and logical name from a URN", () => {
    expect(typeOf(urn("aws:ec2/vpc:Vpc", "net"))).toBe("aws:ec2/vpc:Vpc");
    expect(nameOf(urn("aws:ec2/vpc:Vpc", "net"))).toBe("net");
  });

  it("creates with the same id and computed attributes as devctl plan's table, deterministically", async () => {
    const u = urn("aws:ec2/vpc:Vpc", "net");
    const created = await cloud.create(u, { cidrBlock: "10.0.0.0/16" });
    const id = fakeId("aws:ec2/vpc:Vpc", "net", { cidrBlock: "10.0.0.0/16" }, u);
    expect(created.id).toBe(id);
    expect(created.outs).toEqual(mockResourceState("aws:ec2/vpc:Vpc", "net", { cidrBlock: "10.0.0.0/16" }, id, u, { region: "eu-west-1" }));
    expect(cloud.load(u)?.inputs).toEqual({ cidrBlock: "10.0.0.0/16" });
  });

  it("keeps secret inputs wrapped in the outputs and compares them revealed", async () => {
    const u = urn("aws:rds/instance:Instance", "db");
    const created = await cloud.create(u, { identifier: "db", password: SECRET });
    expect((created.outs as Record<string, unknown>).password).toEqual(SECRET);
    expect((await cloud.diff(created.id, u, created.outs as Record<string, unknown>, { identifier: "db", password: SECRET })).changes).toBe(false);
    expect((await cloud.diff(created.id, u, created.outs as Record<string, unknown>, { identifier: "db", password: { ...SECRET, value: "x" } })).changes).toBe(
      true,
    );
  });

  it("diffs against the stored inputs, not the computed attributes", async () => {
    const u = urn("aws:ec2/vpc:Vpc", "net");
    const { id, outs } = await cloud.create(u, { cidrBlock: "10.0.0.0/16" });
    expect((await cloud.diff(id, u, outs as Record<string, unknown>, { cidrBlock: "10.0.0.0/16" })).changes).toBe(false);
    expect((await cloud.diff(id, u, outs as Record<string, unknown>, { cidrBlock: "10.1.0.0/16" })).changes).toBe(true);
    expect(changedKeys({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, __defaults: [] })).toEqual([]);
    expect(changedKeys({ a: 1 }, { a: 1, tags: { x: "y" } })).toEqual(["tags"]);
  });

  it("reads drift.json on refresh, and fails what fail.json names", async () => {
    const u = urn("aws:ec2/vpc:Vpc", "net");
    const { id, outs } = await cloud.create(u, { cidrBlock: "10.0.0.0/16", tags: { a: "b" } });
    expect((await cloud.read(id, u, outs as Record<string, unknown>)).props).toEqual(outs);
    fs.writeFileSync(path.join(dir, "drift.json"), JSON.stringify({ net: { tags: { a: "changed by hand" } } }));
    expect((await cloud.read(id, u, outs as Record<string, unknown>)).props).toMatchObject({ tags: { a: "changed by hand" }, cidrBlock: "10.0.0.0/16" });
    fs.writeFileSync(path.join(dir, "fail.json"), JSON.stringify({ net: "quota exceeded" }));
    await expect(cloud.update(id, u, {}, { cidrBlock: "10.0.0.0/16" })).rejects.toThrow(/update of net failed as told by fail.json: quota exceeded/);
    await expect(cloud.create(urn("aws:ec2/subnet:Subnet", "other"), {})).resolves.toMatchObject({ id: expect.stringMatching(/^subnet-/) as unknown });
    await cloud.delete(id, u, outs as Record<string, unknown>).catch(() => undefined);
    expect(cloud.load(u)).toBeDefined();
    fs.rmSync(path.join(dir, "fail.json"));
    await cloud.delete(id, u, outs as Record<string, unknown>);
    expect(cloud.load(u)).toBeUndefined();
  });

  it("replaces what AWS cannot change in place, and a replacement's delete leaves its successor", async () => {
    const u = urn("aws:rds/parameterGroup:ParameterGroup", "db-params");
    const old = await cloud.create(u, { family: "postgres16" });
    expect(await cloud.diff(old.id, u, old.outs as Record<string, unknown>, { family: "postgres17" })).toEqual({ changes: true, replaces: ["family"] });
    expect(await cloud.diff(old.id, u, old.outs as Record<string, unknown>, { family: "postgres16", description: "x" })).toEqual({
      changes: true,
      replaces: [],
    });
    const successor = await cloud.create(u, { family: "postgres17" });
    await cloud.delete(old.id, u, old.outs as Record<string, unknown>);
    expect(cloud.load(u)?.outputs).toEqual(successor.outs);
  });

  it("answers invokes from the same table, in the provider's region", async () => {
    cloud.region = "us-east-1";
    expect((await cloud.invoke("aws:index/getAvailabilityZones:getAvailabilityZones", {})).outputs).toEqual(
      mockCallResult("aws:index/getAvailabilityZones:getAvailabilityZones", {}, { region: "us-east-1" }),
    );
  });
});
