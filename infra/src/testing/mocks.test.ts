import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { fakeLayerOutputs, installMocks, promiseOf } from "./mocks";
import { mockCallResult } from "./cloud-answers";

describe("installMocks", () => {
  it("records inputs and answers upstream stack references", async () => {
    const recorder = await installMocks({ project: "platform-data", stack: "staging", upstream: { network: { vpcId: "vpc-9" } } });
    const { readUpstream } = await import("../layers/stack-reference.js");
    const network = readUpstream("network");
    new aws.s3.Bucket("logs", { forceDestroy: false, tags: { Layer: "data" } });
    expect(await promiseOf(network.outputs.vpcId)).toBe("vpc-9");
    expect(await promiseOf(network.outputs.kmsKeyArn)).toBe(fakeLayerOutputs("network", "staging").kmsKeyArn);
    expect(recorder.references).toEqual(["organization/platform-network/staging"]);
    await new Promise((r) => setTimeout(r, 10));
    expect(recorder.one("aws:s3/bucket:Bucket", "logs").inputs).toMatchObject({ tags: { Layer: "data" } });
    expect(() => recorder.one("aws:rds/instance:Instance")).toThrow(/expected one aws:rds\/instance:Instance.*found 0/);
  });

  it("answers the CloudFront origin-facing prefix list lookup and rejects any other list name", async () => {
    await installMocks({ project: "platform-network", stack: "staging" });
    const list = await aws.ec2.getManagedPrefixList({ name: "com.amazonaws.global.cloudfront.origin-facing" });
    // The same answer as devctl plan's and the local-cloud simulator's: one table (cloud-answers.ts).
    const table = mockCallResult(
      "aws:ec2/getManagedPrefixList:getManagedPrefixList",
      { name: "com.amazonaws.global.cloudfront.origin-facing" },
      { region: "eu-west-1" },
    );
    expect(list).toMatchObject({ id: table.id, name: "com.amazonaws.global.cloudfront.origin-facing", maxEntries: 55 });
    expect(list.id).toMatch(/^pl-[0-9a-f]{8}$/);
    // The mock monitor passes the rejection on but not its message.
    await expect(aws.ec2.getManagedPrefixList({ name: "com.amazonaws.global.cloudfront.origin-fasing" })).rejects.toThrow();
  });
});
