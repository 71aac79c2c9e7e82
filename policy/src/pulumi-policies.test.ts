import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { resolvePackEnvironment } from "./pack-environment";
import { toPulumiPolicies } from "./pulumi-policies";
import { environmentFromStackName, RULES } from "./rules";
import { REPOSITORY_ROOT } from "@platform/infra/environment";

const policies = toPulumiPolicies((stack) => ({ stack, isProduction: stack === "prod" }));
const byName = (name: string) => policies.find((p) => p.name === name)!;

class NotApplicable extends Error {}
function resourceArgs(type: string, props: Record<string, unknown>, stack = "prod"): ResourceValidationArgs {
  return {
    type,
    props,
    urn: `urn:pulumi:${stack}::platform-data::${type}::db`,
    name: "db",
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  } as unknown as ResourceValidationArgs;
}

describe("the @pulumi/policy adapter", () => {
  it("turns every rule into a policy with its name, description and enforcement level", () => {
    expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual(RULES.map((r) => [r.name, r.level]));
  });

  it("reports a resource rule's violations, judging production from the stack in the URN", () => {
    const policy = byName("prod-database-resilience") as ResourceValidationPolicy;
    const validate = policy.validateResource as (args: ResourceValidationArgs, report: (m: string) => void) => void;
    const prod: string[] = [];
    validate(resourceArgs("aws:rds/instance:Instance", { multiAz: false, deletionProtection: true, backupRetentionPeriod: 7 }), (m) => prod.push(m));
    expect(prod).toEqual([expect.stringContaining("Multi-AZ")]);
    const staging: string[] = [];
    validate(resourceArgs("aws:rds/instance:Instance", { multiAz: false }, "staging"), (m) => staging.push(m));
    expect(staging).toEqual([]);
    expect(() => validate(resourceArgs("aws:s3/bucket:Bucket", {}), () => undefined)).toThrow(NotApplicable);
  });

  it("runs stack rules over the stack's resources", async () => {
    const policy = byName("vpc-flow-logs") as StackValidationPolicy;
    const found: [string, string | undefined][] = [];
    const args = {
      resources: [{ type: "aws:ec2/vpc:Vpc", name: "vpc", urn: "urn:pulumi:prod::platform-network::aws:ec2/vpc:Vpc::vpc", props: { id: "vpc-1" } }],
    } as unknown as StackValidationArgs;
    await policy.validateStack(args, (message, urn) => found.push([message, urn]));
    expect(found).toEqual([[expect.stringContaining("no flow log"), "urn:pulumi:prod::platform-network::aws:ec2/vpc:Vpc::vpc"]]);
  });
});

describe("the region a rule sees", () => {
  it("is the resource's own region input, else its provider's", async () => {
    const policy = byName("alarm-same-region") as StackValidationPolicy;
    const alarm = (region: Record<string, unknown>, provider?: Record<string, unknown>) => ({
      type: "aws:cloudwatch/metricAlarm:MetricAlarm",
      name: "cdn",
      urn: "urn:pulumi:staging::platform-compute::aws:cloudwatch/metricAlarm:MetricAlarm::cdn",
      props: { alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alerts"], ...region },
      ...(provider ? { provider: { type: "pulumi:providers:aws", urn: "p", name: "p", props: provider } } : {}),
    });
    const found = async (resources: unknown[]) => {
      const messages: string[] = [];
      await policy.validateStack({ resources } as unknown as StackValidationArgs, (message) => messages.push(message));
      return messages;
    };
    expect(await found([alarm({}, { region: "us-east-1" })])).toEqual([expect.stringContaining("alarm in us-east-1")]);
    expect(await found([alarm({ region: "us-east-1" }, { region: "eu-west-1" })])).toEqual([expect.stringContaining("alarm in us-east-1")]);
    expect(await found([alarm({}, { region: "eu-west-1" })])).toEqual([]);
    expect(await found([alarm({})])).toEqual([]);
  });
});

describe("resolvePackEnvironment", () => {
  it("reads the tier from Pulumi.<stack>.yaml, falling back to the stack name", () => {
    // Real environment files, renamed: "live" is the prod file, "prod" is the staging file.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pack-env-"));
    fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod.yaml"), path.join(root, "Pulumi.live.yaml"));
    fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.staging.yaml"), path.join(root, "Pulumi.prod.yaml"));
    expect(resolvePackEnvironment("live", environmentFromStackName, { rootDir: root })).toEqual({ stack: "live", isProduction: true });
    expect(resolvePackEnvironment("prod", environmentFromStackName, { rootDir: root })).toEqual({ stack: "prod", isProduction: false });
    expect(resolvePackEnvironment("production", environmentFromStackName, { rootDir: root })).toEqual({ stack: "production", isProduction: true });
  });

  it("fails with the loader's message on an invalid environment file", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pack-env-"));
    fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.writeFileSync(path.join(root, "Pulumi.live.yaml"), "config:\n  platform:tier: production\n");
    expect(() => resolvePackEnvironment("live", environmentFromStackName, { rootDir: root })).toThrow(/platform:domainName: is required/);
  });

  it("finds the repository's own environment files by default", () => {
    expect(resolvePackEnvironment("prod", environmentFromStackName).isProduction).toBe(true);
    expect(resolvePackEnvironment("staging", environmentFromStackName).isProduction).toBe(false);
  });
});
