import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../environment";
import { databaseUserArn } from "../iam-policies";
import { apiFunctionPolicy, proxyResourceId } from "./lambda-policies";
import { aliasRouting, codeDigestOf, lambdaServiceEnvironment } from "./lambda-settings";

const staging = loadEnvironment("staging-lambda");
const deployment = (strategy: "rolling" | "canary" | "linear") => ({ strategy, canaryPercent: 10, linearStepPercent: 25 });

describe("the live alias's routing", () => {
  it("sends everything to the new version on a first deploy, and to the live one while no canary is named", () => {
    expect(aliasRouting({ published: "3", deployment: deployment("canary") })).toEqual({ functionVersion: "3" });
    expect(aliasRouting({ published: "8", live: "7", deployment: deployment("canary") })).toEqual({ functionVersion: "7" });
    expect(aliasRouting({ published: "8", live: "8", canary: "8", deployment: deployment("canary") })).toEqual({ functionVersion: "8" });
  });

  it("gives the canary the canary's (or the first linear step's) share, and nothing in a rolling environment", () => {
    expect(aliasRouting({ published: "8", live: "7", canary: "8", deployment: deployment("canary") })).toEqual({
      functionVersion: "7",
      additionalVersionWeights: { "8": 0.1 },
    });
    expect(aliasRouting({ published: "8", live: "7", canary: "8", deployment: deployment("linear") })).toEqual({
      functionVersion: "7",
      additionalVersionWeights: { "8": 0.25 },
    });
    expect(aliasRouting({ published: "8", live: "7", canary: "8", deployment: deployment("rolling") })).toEqual({ functionVersion: "7" });
  });

  it("refuses a version that is not a version number, naming the setting", () => {
    expect(() => aliasRouting({ published: "8", live: "$LATEST", deployment: deployment("canary") })).toThrow(
      /platform-compute:lambdaLiveVersion "\$LATEST" is not a published Lambda version number/,
    );
    expect(() => aliasRouting({ published: "8", live: "7", canary: "new", deployment: deployment("canary") })).toThrow(
      /platform-compute:lambdaCanaryVersion "new"/,
    );
  });
});

describe("the function's settings", () => {
  it("are the service's own variables, PostgreSQL through the proxy with IAM, and no credential", () => {
    const variables = lambdaServiceEnvironment({
      environment: staging,
      database: { proxyEndpoint: "proxy.example", name: "ledger", user: "ledger_app" },
      redis: { host: "redis.example", port: 6379 },
    });
    expect(variables).toMatchObject({
      PGHOST: "proxy.example",
      PGPORT: "5432",
      PGUSER: "ledger_app",
      PGSSLMODE: "verify-full",
      NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
      DB_AUTH: "iam",
      REDIS_TLS: "true",
      TRUST_PROXY: "2",
      PLATFORM_ENVIRONMENT: "staging-lambda",
    });
    // The app gives up one second before Lambda does, so a slow request is the app's 503, not a 504.
    expect(variables.REQUEST_TIMEOUT_MS).toBe("19000");
    expect(Object.keys(variables).filter((k) => /PASSWORD|TOKEN|SECRET/.test(k))).toEqual([]);
  });

  it("report the archive's digest as the ledger writes digests", () => {
    expect(codeDigestOf(Buffer.from("ab".repeat(32), "hex").toString("base64"))).toBe(`sha256:${"ab".repeat(32)}`);
  });
});

describe("the function's permissions", () => {
  it("connect as the application user through this proxy only", () => {
    const proxyArn = "arn:aws:rds:eu-west-1:123456789012:db-proxy:prx-0123456789abcdef0";
    const user = databaseUserArn({
      partition: "aws",
      region: "eu-west-1",
      accountId: "123456789012",
      dbResourceId: proxyResourceId(proxyArn),
      username: "ledger_app",
    });
    expect(user).toBe("arn:aws:rds-db:eu-west-1:123456789012:dbuser:prx-0123456789abcdef0/ledger_app");
    const policy = apiFunctionPolicy({ logGroupArn: "arn:lg", proxyUserArn: user, secretArns: ["arn:s1"], failureQueueArn: "arn:q", kmsKeyArn: "arn:k" });
    expect(policy.Statement.find((s) => s.Sid === "DatabaseThroughProxy")).toMatchObject({ Action: "rds-db:connect", Resource: user });
    // Only the network interfaces, for which AWS accepts no narrower resource, are granted on every resource.
    expect(policy.Statement.filter((s) => JSON.stringify(s).includes('"*"')).map((s) => s.Sid)).toEqual(["VpcNetworkInterfaces"]);
  });

  it("place the function's network interfaces in the VPC, and write its own log group only (not AWSLambdaVPCAccessExecutionRole's logs on every group)", () => {
    const policy = apiFunctionPolicy({ logGroupArn: "arn:lg", proxyUserArn: "arn:u", secretArns: ["arn:s1"], failureQueueArn: "arn:q", kmsKeyArn: "arn:k" });
    const network = policy.Statement.find((s) => s.Sid === "VpcNetworkInterfaces");
    expect(network?.Action).toEqual(expect.arrayContaining(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]));
    const logs = policy.Statement.filter((s) => JSON.stringify(s.Action).includes("logs:"));
    expect(logs).toEqual([{ Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "arn:lg:*" }]);
  });
});
