/** ImageReplication under Pulumi's mocks: what ECR is asked to copy, where, and with which key. */
import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, promiseOf, settleResources, type MockRecorder } from "../testing/mocks";
import { replicationRolePolicy, replicationTrustPolicy } from "./image-replication";

let recorder: MockRecorder;
let drRepositoryUrl: string;

beforeAll(async () => {
  recorder = await installMocks({ project: "platform-compute", stack: "prod" });
  const { ImageReplication } = await import("./image-replication.js");
  const provider = new aws.Provider("aws", { region: "eu-west-1" });
  const drProvider = new aws.Provider("aws-dr", { region: "eu-central-1" });
  const replication = new ImageReplication(
    "images",
    { repositoryName: "prod-release-ledger", primaryRegion: "eu-west-1", drRegion: "eu-central-1", drProvider, tags: { Environment: "prod" } },
    { provider },
  );
  drRepositoryUrl = await promiseOf(replication.drRepositoryUrl);
  await settleResources(recorder);
});

describe("ImageReplication", () => {
  it("copies the service's repository, and only it, to the DR region of the same account", () => {
    const config = recorder.one("aws:ecr/replicationConfiguration:ReplicationConfiguration").inputs.replicationConfiguration as {
      rules: { destinations: { region: string; registryId: string }[]; repositoryFilters: unknown[] }[];
    };
    expect(config.rules).toHaveLength(1);
    expect(config.rules[0]!.destinations).toEqual([{ region: "eu-central-1", registryId: "123456789012" }]);
    expect(config.rules[0]!.repositoryFilters).toEqual([{ filter: "prod-release-ledger", filterType: "PREFIX_MATCH" }]);
    expect(drRepositoryUrl).toBe("123456789012.dkr.ecr.eu-central-1.amazonaws.com/prod-release-ledger");
  });

  it("creates the copy immutable and encrypted with a rotating key that lives in the DR region", () => {
    const key = recorder.one("aws:kms/key:Key", "images-dr-key");
    expect(key.provider).toContain("::aws-dr::");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const template = recorder.one("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate");
    expect(template.provider).toContain("::aws-dr::");
    expect(template.inputs).toMatchObject({
      prefix: "prod-release-ledger",
      appliedFors: ["REPLICATION"],
      imageTagMutability: "IMMUTABLE",
      encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.state.arn }],
    });
    expect(template.inputs.customRoleArn).toEqual(recorder.one("aws:iam/role:Role", "images-template").state.arn);
  });

  it("lets only ECR, for this account only, assume the template's role, and grants it only the DR key", () => {
    expect(JSON.stringify(replicationTrustPolicy("123456789012"))).toContain('"aws:SourceAccount":"123456789012"');
    const kms = replicationRolePolicy("arn:key").Statement as { Action: string[]; Resource: string }[];
    expect(kms.find((s) => s.Action.includes("kms:CreateGrant"))?.Resource).toBe("arn:key");
  });

  it("refuses a DR region equal to the primary", async () => {
    const { ImageReplication } = await import("./image-replication.js");
    const drProvider = new aws.Provider("aws-same", { region: "eu-west-1" });
    expect(() => new ImageReplication("same", { repositoryName: "x", primaryRegion: "eu-west-1", drRegion: "eu-west-1", drProvider })).toThrow(
      /drRegion \(eu-west-1\) is the primary region/,
    );
  });
});
