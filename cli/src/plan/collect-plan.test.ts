import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LAYER_OUTPUT_NAMES } from "@platform/infra/layers";
import { loadEnvironment } from "@platform/infra/environment";
import { layersToEvaluate, placeholderOutputs, promotedImage } from "./collect-plan";

describe("layersToEvaluate", () => {
  it("adds every upstream layer and keeps deploy order", () => {
    expect(layersToEvaluate(["compute"])).toEqual(["network", "data", "compute"]);
    expect(layersToEvaluate(["data"])).toEqual(["network", "data"]);
    expect(layersToEvaluate(["network"])).toEqual(["network"]);
    expect(layersToEvaluate(["compute", "network"])).toEqual(["network", "data", "compute"]);
  });
});

describe("placeholderOutputs", () => {
  it("has exactly the contract's outputs, shaped by the environment", () => {
    const prod = loadEnvironment("prod");
    const network = placeholderOutputs("network", prod);
    expect(Object.keys(network).sort()).toEqual([...LAYER_OUTPUT_NAMES.network].sort());
    expect(network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(network.vpcCidr).toBe("10.30.0.0/16");
    expect(placeholderOutputs("data", prod).dbPort).toBe(5432);
  });
});

describe("promotedImage", () => {
  it("reads platform-compute:image from the compute stack's config file, if there is one", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-image-"));
    expect(promotedImage(root, "prod")).toBeUndefined();
    fs.mkdirSync(path.join(root, "stacks", "compute"), { recursive: true });
    const image = `1.dkr.ecr.eu-west-1.amazonaws.com/ledger@sha256:${"0".repeat(64)}`;
    fs.writeFileSync(path.join(root, "stacks", "compute", "Pulumi.prod.yaml"), `config:\n  platform-compute:image: "${image}"\n`);
    expect(promotedImage(root, "prod")).toBe(image);
  });
});
