import { describe, expect, it } from "vitest";
import { alertSubscriptionName, validateAlertEmails } from "./alert-subscriptions";
import { alertTopicPolicy, flowLogsAssumeRolePolicy, flowLogsRolePolicy, foundationKeyPolicy } from "./policies";
import { endpointKey } from "./endpoint-services";

const ctx = { partition: "aws", accountId: "111122223333", region: "eu-west-1" };

describe("KMS key policy", () => {
  const policy = foundationKeyPolicy(ctx);
  const sid = (id: string) => policy.Statement.find((s) => s.Sid === id)!;

  it("keeps the account root in control", () => {
    expect(sid("AccountRootManagesKey")).toMatchObject({ Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*" });
  });

  it("lets CloudWatch Logs of this region use it only for this account's log groups", () => {
    expect(sid("CloudWatchLogsEncryptsLogGroups")).toMatchObject({
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:log-group:*" } },
    });
  });

  it("lets alarms publish to the encrypted topic, scoped to this account", () => {
    expect(sid("AlarmsPublishToEncryptedTopic")).toMatchObject({
      Principal: { Service: expect.arrayContaining(["cloudwatch.amazonaws.com"]) },
      Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
    });
  });

  it("lets the account use it through RDS, ElastiCache and Secrets Manager only", () => {
    const via = sid("AccountUsesKeyThroughServices");
    expect(via.Condition?.StringEquals?.["kms:CallerAccount"]).toBe("111122223333");
    expect(via.Condition?.StringEquals?.["kms:ViaService"]).toEqual(
      expect.arrayContaining(["rds.eu-west-1.amazonaws.com", "elasticache.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"]),
    );
    expect(via.Action).not.toContain("kms:*");
  });
});

describe("alert topic policy", () => {
  it("lets only this account's alarms in this region publish", () => {
    const policy = alertTopicPolicy({ ...ctx, topicArn: "arn:aws:sns:eu-west-1:111122223333:alerts" });
    const publish = policy.Statement.find((s) => s.Sid === "CloudWatchAlarmsPublish")!;
    expect(publish).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: "arn:aws:sns:eu-west-1:111122223333:alerts",
      Condition: {
        StringEquals: { "aws:SourceAccount": "111122223333" },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:*" },
      },
    });
  });
});

describe("flow-logs role", () => {
  it("is assumable only by VPC flow logs of this account", () => {
    const [trust] = flowLogsAssumeRolePolicy(ctx).Statement;
    expect(trust).toMatchObject({ Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" });
    expect(trust!.Condition?.StringEquals?.["aws:SourceAccount"]).toBe("111122223333");
    expect(trust).not.toHaveProperty("Resource");
  });

  it("writes only to its log group and has no principal (identity policy)", () => {
    const arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/platform/prod/vpc-flow-logs";
    const policy = flowLogsRolePolicy(arn);
    const write = policy.Statement.find((s) => s.Sid === "WriteFlowLogs")!;
    expect(write.Resource).toEqual([arn, `${arn}:*`]);
    for (const s of policy.Statement) expect(s).not.toHaveProperty("Principal");
  });
});

describe("alert e-mail subscriptions", () => {
  it("names a subscription by its address, not its position", () => {
    const a = alertSubscriptionName("prod-alerts", "oncall@example.com");
    expect(a).toMatch(/^prod-alerts-email-[0-9a-f]{10}$/);
    expect(alertSubscriptionName("prod-alerts", " OnCall@Example.com ")).toBe(a);
    expect(alertSubscriptionName("prod-alerts", "other@example.com")).not.toBe(a);
  });

  it("rejects an empty list, a malformed address and duplicates", () => {
    expect(() => validateAlertEmails([])).toThrow(/alertEmails is empty: add at least one address under platform:alertEmails/);
    expect(() => validateAlertEmails(["not-an-address"])).toThrow(/"not-an-address" is not an e-mail address/);
    expect(() => validateAlertEmails(["a@example.com", "A@example.com"])).toThrow(/lists "A@example.com" twice/);
    expect(validateAlertEmails([" a@example.com"])).toEqual(["a@example.com"]);
  });
});

describe("endpoint keys", () => {
  it("turn service short names into logical-name suffixes and reject anything else", () => {
    expect(endpointKey("ecr.api")).toBe("ecr-api");
    expect(endpointKey("secretsmanager")).toBe("secretsmanager");
    expect(() => endpointKey("com.amazonaws.eu-west-1.s3 ")).toThrow(/not a service short name/);
  });
});
