import { describe, expect, it } from "vitest";
import { logBucketEncryption, rolePermissionsBoundary, serviceSourceCondition, unscopedServiceGrants } from "./iam";
import { evaluateRules } from "./index";
import { PROD, resource, STAGING } from "./testing";

const trust = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", ...statement }] });

describe("service-principal-source-condition", () => {
  it("accepts the role trusts EC2 and EKS are handed by PassRole, but nothing else granted to them", () => {
    const trust = (service: string, Action: unknown) => ({ Statement: [{ Effect: "Allow", Principal: { Service: service }, Action }] });
    expect(unscopedServiceGrants(trust("ec2.amazonaws.com", "sts:AssumeRole"))).toEqual([]);
    expect(unscopedServiceGrants(trust("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]))).toEqual([]);
    expect(unscopedServiceGrants(trust("eks.amazonaws.com", ["sts:AssumeRole", "s3:GetObject"]))).toHaveLength(1);
    expect(unscopedServiceGrants(trust("ecs-tasks.amazonaws.com", "sts:AssumeRole"))).toHaveLength(1);
  });

  it("fails a trust policy for a service principal without a source condition (the RDS monitoring role as it was)", () => {
    const role = resource("aws:iam/role:Role", { assumeRolePolicy: trust({ Principal: { Service: "monitoring.rds.amazonaws.com" } }) });
    expect(serviceSourceCondition.validate(role, STAGING)).toEqual([expect.stringContaining("monitoring.rds.amazonaws.com without aws:SourceAccount")]);
  });

  it("passes aws:SourceAccount or aws:SourceArn under any operator, in any case", () => {
    for (const Condition of [
      { StringEquals: { "aws:SourceAccount": "123456789012" } },
      { ArnLike: { "aws:sourcearn": "arn:aws:rds:eu-west-1:123456789012:db:x" } },
    ]) {
      expect(
        serviceSourceCondition.validate(
          resource("aws:iam/role:Role", { assumeRolePolicy: trust({ Principal: { Service: "monitoring.rds.amazonaws.com" }, Condition }) }),
          STAGING,
        ),
      ).toEqual([]);
    }
  });

  it("checks key, bucket and topic policies, each principal of a list, and ignores AWS principals and Deny", () => {
    const policy = JSON.stringify({
      Statement: [
        { Sid: "Both", Effect: "Allow", Principal: { Service: ["cloudwatch.amazonaws.com", "sns.amazonaws.com"] }, Action: "kms:Decrypt", Resource: "*" },
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" },
      ],
    });
    expect(serviceSourceCondition.validate(resource("aws:kms/key:Key", { policy }), STAGING)).toHaveLength(2);
    expect(serviceSourceCondition.validate(resource("aws:s3/bucketPolicy:BucketPolicy", { policy }), STAGING)).toHaveLength(2);
  });

  it("accepts a service's documented scoping instead: the logs encryption context, ELB log delivery into AWSLogs/<account>/", () => {
    expect(
      unscopedServiceGrants({
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "logs.eu-west-1.amazonaws.com" },
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*" } },
          },
          { Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Resource: "arn:aws:s3:::b/alb/AWSLogs/123456789012/*" },
        ],
      }),
    ).toEqual([]);
    expect(
      unscopedServiceGrants({
        Statement: [{ Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Resource: "arn:aws:s3:::b/*" }],
      }),
    ).toHaveLength(1);
  });
});

describe("log-bucket-encryption-supported", () => {
  const lb = resource("aws:lb/loadBalancer:LoadBalancer", { accessLogs: { bucket: "logs-bucket", enabled: true } }, "alb");
  const sse = (sseAlgorithm: string) =>
    resource(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      { bucket: "logs-bucket", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm } }] },
      "sse",
    );

  it("fails a KMS-encrypted bucket that receives ALB access logs", () => {
    expect(logBucketEncryption.validate([lb, sse("aws:kms")], STAGING)).toEqual([{ urn: sse("aws:kms").urn, message: expect.stringContaining("AES256") }]);
  });

  it("passes SSE-S3, and a KMS bucket no load balancer writes to", () => {
    expect(logBucketEncryption.validate([lb, sse("AES256")], STAGING)).toEqual([]);
    expect(logBucketEncryption.validate([sse("aws:kms")], STAGING)).toEqual([]);
  });
});

describe("role-permissions-boundary", () => {
  const boundary = "arn:aws:iam::123456789012:policy/platform-workload-boundary";

  it("fails a role without a permissions boundary (every role the layers declared before it), naming the fix", () => {
    const role = resource("aws:iam/role:Role", { assumeRolePolicy: "{}" }, "flow-logs");
    expect(rolePermissionsBoundary.validate(role, STAGING)).toEqual([expect.stringMatching(/no permissionsBoundary.*workloadBoundaryArn/)]);
    // In the list both `devctl plan` and the pack run.
    expect(evaluateRules([role], STAGING).filter((v) => v.policy === "role-permissions-boundary")).toEqual([
      expect.objectContaining({ level: "mandatory", urn: role.urn }),
    ]);
  });

  it("fails a role bounded by another policy: the deploy role only creates roles under platform-workload-boundary", () => {
    const role = resource("aws:iam/role:Role", { permissionsBoundary: "arn:aws:iam::123456789012:policy/AdministratorAccess" });
    expect(rolePermissionsBoundary.validate(role, PROD)).toEqual([expect.stringContaining("AdministratorAccess")]);
  });

  it("passes the workload boundary, in any partition", () => {
    expect(rolePermissionsBoundary.validate(resource("aws:iam/role:Role", { permissionsBoundary: boundary }), PROD)).toEqual([]);
    expect(rolePermissionsBoundary.validate(resource("aws:iam/role:Role", { permissionsBoundary: boundary.replace(":aws:", ":aws-us-gov:") }), PROD)).toEqual(
      [],
    );
  });
});
