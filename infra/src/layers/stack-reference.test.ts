import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { LAYER_OUTPUT_NAMES } from "./contracts";
import { layerStackName, type readUpstream as ReadUpstream } from "./stack-reference";

describe("layerStackName", () => {
  it("derives organisation/project/environment", () => {
    expect(layerStackName("organization", "network", "staging")).toBe("organization/platform-network/staging");
    expect(layerStackName("acme", "compute", "prod")).toBe("acme/platform-compute/prod");
  });

  it("rejects names that would make a wrong reference", () => {
    expect(() => layerStackName("acme", "data", "Prod")).toThrow(/Invalid environment name "Prod"/);
    expect(() => layerStackName("ac me", "data", "prod")).toThrow(/Invalid Pulumi organisation/);
  });
});

describe("readUpstream under mocks", () => {
  const referenced: string[] = [];
  // Every declared output exists upstream (requireOutput fails the update on a missing one).
  const networkOutputs: Record<string, unknown> = {
    ...Object.fromEntries(LAYER_OUTPUT_NAMES.network.map((key) => [key, `${key}-value`])),
    vpcId: "vpc-123",
    privateSubnetIds: ["a", "b"],
  };
  let readUpstream: typeof ReadUpstream;

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          if (args.type === "pulumi:pulumi:StackReference") {
            referenced.push(String(args.inputs.name));
            return {
              id: String(args.inputs.name),
              state: { name: args.inputs.name, outputs: networkOutputs, secretOutputNames: [] },
            };
          }
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "platform-data",
      "prod",
      false,
      "acme",
    );
    ({ readUpstream } = await import("./stack-reference.js"));
  });

  it("references <org>/<project>/<current stack> and types each output", async () => {
    const network = readUpstream("network");
    const vpcId = await new Promise<string>((resolve) => network.outputs.vpcId.apply(resolve));
    const subnets = await new Promise<string[]>((resolve) => network.outputs.privateSubnetIds.apply(resolve));
    expect(referenced).toContain("acme/platform-network/prod");
    expect(vpcId).toBe("vpc-123");
    expect(subnets).toEqual(["a", "b"]);
    expect(Object.keys(network.outputs).sort()).toEqual([...LAYER_OUTPUT_NAMES.network].sort());
  });
});
