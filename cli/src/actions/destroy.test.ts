import { describe, expect, it } from "vitest";
import { LAYERS } from "@platform/infra/layers";
import { harness } from "../../test/memory-services";
import { DevctlError, ExitCode } from "../errors";

const network = { environment: "staging", layer: "network" as const };
const createStep = (name: string) => ({
  op: "create" as const,
  urn: `urn:pulumi:staging::platform-network::aws:ec2/vpc:Vpc::${name}`,
  type: "aws:ec2/vpc:Vpc",
  name,
});

describe("devctl destroy and what counts as deployed", () => {
  it("destroys a layer whose first update failed after creating resources (state has resources, no outputs yet)", async () => {
    const h = harness();
    h.engine.planned.set("staging/network", [createStep("vpc"), createStep("vpc-flow-logs")]);
    h.engine.failures.set("up staging/network", new DevctlError("OPERATION_FAILED", "staging/network: error: creating NAT gateway: quota exceeded"));
    expect((await h.run(["up", "staging", "--layer", "network"])).code).toBe(ExitCode.Failure);
    expect(await h.engine.outputs(network)).toEqual({});
    expect(await h.engine.isDeployed(network)).toBe(true);

    const { code, stdout } = await h.run(["destroy", "staging", "--yes"]);
    expect(code).toBe(ExitCode.Success);
    expect(h.engine.calls).toContain("destroy staging/network");
    expect(stdout).toContain("network (2 resources)");
  });

  it("refuses, destroying nothing, while a layer keeps a resource protected from deletion (a restored database)", async () => {
    const h = harness();
    for (const layer of LAYERS) h.deploy("prod-dr", layer);
    const database = "urn:pulumi:prod-dr::platform-data::platform:data:Database$aws:rds/instance:Instance::postgres";
    h.engine.stack({ environment: "prod-dr", layer: "data" }).protected = [database];
    const { code, stderr } = await h.run(["destroy", "prod-dr", "--force-prod"], { interactive: true, answers: ["prod-dr"] });
    expect(code, stderr).toBe(ExitCode.Failure);
    expect(stderr).toContain("prod-dr keeps resources protected from deletion, so nothing was destroyed: data: aws:rds/instance:Instance postgres");
    expect(stderr).toContain("(cd stacks/data && pulumi state unprotect --all --yes --stack prod-dr)");
    expect(h.engine.calls.filter((c) => c.startsWith("destroy"))).toEqual([]);
    for (const layer of LAYERS) expect(await h.engine.isDeployed({ environment: "prod-dr", layer })).toBe(true);
  });

  it("a destroyed layer is no longer deployed, though its history holds succeeded updates", async () => {
    const h = harness();
    h.deploy("staging", "network");
    expect(await h.engine.isDeployed(network)).toBe(true);
    expect((await h.run(["destroy", "staging", "--yes"])).code).toBe(ExitCode.Success);
    expect(await h.engine.isDeployed(network)).toBe(false);
    const { stdout } = await h.run(["drift", "staging", "--layer", "network", "--json"]);
    expect(JSON.parse(stdout)).toMatchObject({ environments: [{ layers: [{ layer: "network", status: "skipped" }] }] });
  });
});
