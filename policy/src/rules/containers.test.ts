import { describe, expect, it } from "vitest";
import { containerNoPlainSecrets, containerNonRoot, containerReadOnlyRoot, imagePinnedByDigest, productionProgressiveDeploys } from "./containers";
import { PROD, resource, STAGING } from "./testing";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const digest = `sha256:${"ab".repeat(32)}`;
const good = {
  name: "service",
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger@${digest}`,
  user: "1000:1000",
  readonlyRootFilesystem: true,
  environment: [{ name: "DB_HOST", value: "db" }],
  secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:secret" }],
};
const task = (container: Record<string, unknown>) => resource(TASK, { containerDefinitions: JSON.stringify([container]) });

describe("container rules", () => {
  it("pass a hardened, digest-pinned container whose secrets come from Secrets Manager", () => {
    for (const rule of [containerNonRoot, containerReadOnlyRoot, containerNoPlainSecrets, imagePinnedByDigest]) {
      expect(rule.validate(task(good), STAGING)).toEqual([]);
    }
  });
  it("container-non-root fails root and an unset user", () => {
    expect(containerNonRoot.validate(task({ ...good, user: "0" }), STAGING)).toHaveLength(1);
    expect(containerNonRoot.validate(task({ ...good, user: undefined }), STAGING)).toHaveLength(1);
  });
  it("container-read-only-root fails a writable root filesystem", () => {
    expect(containerReadOnlyRoot.validate(task({ ...good, readonlyRootFilesystem: false }), STAGING)).toHaveLength(1);
  });
  it("container-no-plain-secrets fails secret-looking names in environment", () => {
    const leaky = {
      ...good,
      environment: [
        { name: "API_TOKEN", value: "x" },
        { name: "AWS_SECRET_ACCESS_KEY", value: "y" },
        { name: "PORT", value: "8080" },
      ],
    };
    expect(containerNoPlainSecrets.validate(task(leaky), STAGING)).toEqual([
      expect.stringContaining("API_TOKEN"),
      expect.stringContaining("AWS_SECRET_ACCESS_KEY"),
    ]);
  });
  it("image-pinned-by-digest fails a tag", () => {
    expect(imagePinnedByDigest.validate(task({ ...good, image: "ledger:latest" }), STAGING)).toEqual([expect.stringContaining("ledger:latest")]);
  });
});

describe("prod-progressive-deploys", () => {
  const SERVICE = "aws:ecs/service:Service";
  const canary = { deploymentConfiguration: { strategy: "CANARY" }, alarms: { enable: true, rollback: true, alarmNames: ["5xx"] } };
  it("passes a canary with alarm rollback in prod, and anything in staging", () => {
    expect(productionProgressiveDeploys.validate(resource(SERVICE, canary), PROD)).toEqual([]);
    expect(productionProgressiveDeploys.validate(resource(SERVICE, {}), STAGING)).toEqual([]);
  });
  it("fails a rolling deploy without alarm rollback in prod", () => {
    const rolling = { deploymentConfiguration: { strategy: "ROLLING" }, alarms: { enable: true, rollback: false, alarmNames: ["5xx"] } };
    expect(productionProgressiveDeploys.validate(resource(SERVICE, rolling), PROD)).toHaveLength(2);
  });
});
