/**
 * Changing one setting of the environment file must not rename (and so replace) unrelated resources.
 * The program is evaluated several times in this one process with environments that differ in one value;
 * the mocks accept repeated registrations, and each run's resources are taken off the recorder after it.
 */
import { loadEnvironment, type Environment } from "@platform/infra/environment";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, settle, settleResources, type MockRecorder, type RecordedResource } from "@platform/infra/testing";

type Run = Map<string, RecordedResource>;
const keyOf = (r: RecordedResource) => `${r.type}::${r.name}`;

let recorder: MockRecorder;
let program: (environment: Environment) => Record<string, unknown>;

async function evaluate(environment: Environment): Promise<Run> {
  await settle(program(environment));
  await settleResources(recorder);
  const resources = recorder.resources.splice(0);
  return new Map(resources.map((r) => [keyOf(r), r]));
}

/** Resources in both runs whose inputs differ (an update at best, a replacement at worst). */
function changed(a: Run, b: Run): string[] {
  return [...a.keys()].filter((k) => b.has(k) && JSON.stringify(a.get(k)!.inputs) !== JSON.stringify(b.get(k)!.inputs));
}

const prod = loadEnvironment("prod");
const staging = loadEnvironment("staging");
const runs: Record<string, Run> = {};

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-network", stack: "prod" });
  ({ networkProgram: program } = await import("../src/program.js"));
  runs.prod3 = await evaluate(prod);
  runs.prod2 = await evaluate({ ...prod, network: { ...prod.network, azCount: 2 } });
  runs.staging = await evaluate(staging);
  runs.stagingPerAz = await evaluate({ ...staging, network: { ...staging.network, natGateways: "perAz" } });
});

describe("logical names when the environment changes", () => {
  it("azCount 3 -> 2 removes only the third AZ's resources and keeps every other name", () => {
    const { prod3, prod2 } = runs as Required<typeof runs>;
    expect(prod2!.size).toBeGreaterThan(50);
    const removed = [...prod3!.keys()].filter((k) => !prod2!.has(k));
    const added = [...prod2!.keys()].filter((k) => !prod3!.has(k));
    expect(added).toEqual([]);
    expect(removed.length).toBeGreaterThan(0);
    // Every removed resource belongs to AZ index 2 (subnets, tables, NAT, NACL rules and associations).
    for (const k of removed) expect(k.split("::")[1], k).toMatch(/-2($|-)/);
  });

  it("azCount 3 -> 2 leaves the first AZs' subnets, NAT gateways and rules exactly as they were", () => {
    const { prod3, prod2 } = runs as Required<typeof runs>;
    // Only the resources that list all subnets or route tables change, and they update in place.
    const diff = changed(prod2!, prod3!);
    for (const k of diff) expect(k, k).toMatch(/^aws:ec2\/vpcEndpoint:VpcEndpoint::/);
    const subnet = (run: Run, n: string) => run.get(`aws:ec2/subnet:Subnet::prod-${n}`)!.inputs;
    for (const n of ["public-0", "private-1", "isolated-1"]) expect(subnet(prod2!, n)).toEqual(subnet(prod3!, n));
  });

  it("single -> perAz NAT adds NAT gateways and changes only the private default routes", () => {
    const { staging: single, stagingPerAz: perAz } = runs as Required<typeof runs>;
    const removed = [...single!.keys()].filter((k) => !perAz!.has(k));
    const added = [...perAz!.keys()].filter((k) => !single!.has(k));
    expect(removed).toEqual([]);
    expect(added.sort()).toEqual(["aws:ec2/eip:Eip::staging-nat-1", "aws:ec2/natGateway:NatGateway::staging-nat-1"]);
    expect(changed(single!, perAz!)).toEqual(["aws:ec2/route:Route::staging-private-1-internet"]);
  });

  it("names embed the environment and AZ index, never a count, CIDR or size", () => {
    const prodCidr = prod.network.vpcCidr.split("/")[0]!;
    for (const run of Object.values(runs)) {
      for (const r of run.values()) {
        expect(r.name).not.toContain(prodCidr);
        expect(r.name).not.toMatch(/az-?count|\d+az/i);
      }
    }
  });
});
