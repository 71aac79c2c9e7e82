import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { EnvironmentError, listEnvironments, loadEnvironment, readDeclarations, REPOSITORY_ROOT } from "./load";
import { settingsSchema } from "./schema";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A scratch repository root holding the real Pulumi.yaml and one environment file built from prod's. */
function scratch(edit: (config: Record<string, unknown>) => void, name = "prod"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "env-"));
  temps.push(dir);
  fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const prod = parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  edit(prod.config);
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify(prod));
  return dir;
}

function failure(fn: () => unknown): EnvironmentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvironmentError) return error;
    throw error;
  }
  throw new Error("expected an EnvironmentError");
}

describe("the real environment files", () => {
  it("lists staging and prod", () => {
    expect(listEnvironments()).toEqual(expect.arrayContaining(["prod", "staging"]));
  });

  it("loads staging as a cheap, non-production environment", () => {
    const env = loadEnvironment("staging");
    expect(env.name).toBe("staging");
    expect(env.isProduction).toBe(false);
    expect(env.network.natGateways).toBe("single");
    expect(env.database.multiAz).toBe(false);
    expect(env.deployment.strategy).toBe("canary");
    expect(env.tags).toMatchObject({ Environment: "staging", Owner: "platform-team", CostCenter: "CC-1042" });
    // Declared defaults fill what the file leaves out.
    expect(env.service.port).toBe(8080);
    expect(env.service.shutdownTimeoutMs).toBe(20000);
  });

  it("loads prod as highly available", () => {
    const env = loadEnvironment("prod");
    expect(env.isProduction).toBe(true);
    expect(env.network.azCount).toBeGreaterThanOrEqual(3);
    expect(env.network.natGateways).toBe("perAz");
    expect(env.database).toMatchObject({ multiAz: true, deletionProtection: true, replicateBackupsToDr: true });
    expect(env.cache.replicaCount).toBeGreaterThanOrEqual(1);
    expect(env.deployment.strategy).not.toBe("rolling");
    expect(env.alertEmails.length).toBeGreaterThan(0);
  });

  it("deploys staging with production's strategy and a shorter bake, so prod is never a strategy's first run", () => {
    const staging = loadEnvironment("staging").deployment;
    const prod = loadEnvironment("prod").deployment;
    expect(staging.strategy).toBe(prod.strategy);
    expect(staging.bakeMinutes).toBeGreaterThan(0);
    expect(staging.bakeMinutes).toBeLessThan(prod.bakeMinutes);
  });

  it("returns a frozen object, all the way down", () => {
    const env = loadEnvironment("staging");
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.database)).toBe(true);
    expect(Object.isFrozen(env.alertEmails)).toBe(true);
    expect(() => {
      (env.database as { multiAz: boolean }).multiAz = true;
    }).toThrow(TypeError);
  });

  it("declares in Pulumi.yaml exactly the settings the schema validates", () => {
    const declared = [...readDeclarations(path.join(REPOSITORY_ROOT, "Pulumi.yaml")).keys()].sort();
    expect(declared).toEqual(Object.keys(settingsSchema.shape).sort());
  });

  it("gives every declaration a type and a description", () => {
    for (const [key, d] of readDeclarations(path.join(REPOSITORY_ROOT, "Pulumi.yaml"))) {
      expect(d.type, key).toMatch(/^(string|integer|boolean|array)$/);
      expect(d.description, key).toBeTruthy();
    }
  });
});

describe("bad input", () => {
  it("names the known environments for an unknown one", () => {
    const error = failure(() => loadEnvironment("qa"));
    expect(error.code).toBe("UNKNOWN_ENVIRONMENT");
    expect(error.message).toContain('unknown environment "qa"');
    expect(error.message).toMatch(/known environments: .*prod.*staging/);
  });

  it("rejects an unknown key, naming it and suggesting the closest", () => {
    const dir = scratch((c) => {
      c["platform:azCuont"] = 3;
    });
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.file).toBe(path.join(dir, "Pulumi.prod.yaml"));
    expect(error.message).toContain("Pulumi.prod.yaml");
    expect(error.message).toContain("platform:azCuont = 3: unknown key");
    expect(error.message).toContain("did you mean platform:azCount?");
  });

  it("rejects a key outside the platform namespace", () => {
    const dir = scratch((c) => {
      c["aws:region"] = "eu-west-1";
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).message).toContain("aws:region");
  });

  it("rejects a value of the wrong type, naming the declared type", () => {
    const dir = scratch((c) => {
      c["platform:azCount"] = "three";
    });
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.problems).toEqual([{ key: "platform:azCount", value: '"three"', message: "must be of type integer (declared in Pulumi.yaml)" }]);
  });

  it("rejects a wrongly typed list item", () => {
    const dir = scratch((c) => {
      c["platform:alertEmails"] = ["oncall@example.com", 7];
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).message).toContain("item 1 must be of type string");
  });

  it.each([
    ["10.30.0.0", "is not an IPv4 CIDR"],
    ["10.300.0.0/16", "is not an IPv4 CIDR"],
    ["10.30.1.0/16", "has host bits set; the network address for /16 is 10.30.0.0/16"],
    ["10.30.0.0/24", "has prefix /24"],
    ["8.8.0.0/16", "is not a private (RFC 1918) range"],
  ])("rejects the malformed VPC CIDR %s", (cidr, message) => {
    const dir = scratch((c) => {
      c["platform:vpcCidr"] = cidr;
    });
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ key: "platform:vpcCidr", value: JSON.stringify(cidr) });
    expect(error.problems[0]?.message).toContain(message);
  });

  it("rejects too few AZs for production, saying how many are needed", () => {
    const dir = scratch((c) => {
      c["platform:azCount"] = 2;
    });
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.problems).toEqual([
      {
        key: "platform:azCount",
        value: "2",
        message: "is too few for production; production needs at least 3 availability zones",
      },
    ]);
  });

  it("allows two AZs outside production", () => {
    const dir = scratch((c) => {
      c["platform:azCount"] = 2;
    }, "staging");
    const yaml = fs.readFileSync(path.join(dir, "Pulumi.staging.yaml"), "utf8").replace("tier: production", "tier: staging");
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), yaml);
    expect(loadEnvironment("staging", { rootDir: dir }).network.azCount).toBe(2);
  });

  it("rejects min tasks above max tasks", () => {
    const dir = scratch((c) => {
      c["platform:serviceMinTasks"] = 8;
      c["platform:serviceMaxTasks"] = 4;
    });
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.problems).toEqual([{ key: "platform:serviceMinTasks", value: "8", message: "is more than serviceMaxTasks (4); make it at most 4" }]);
  });

  it("rejects an out-of-range number with the allowed range", () => {
    const dir = scratch((c) => {
      c["platform:azCount"] = 9;
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]).toEqual({
      key: "platform:azCount",
      value: "9",
      message: "must be from 2 to 6",
    });
  });

  it("rejects a value outside an enumeration, listing the allowed ones", () => {
    const dir = scratch((c) => {
      c["platform:deploymentStrategy"] = "bluegreen";
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]?.message).toBe("must be one of: rolling, canary, linear");
  });

  it("rejects a log retention CloudWatch does not accept", () => {
    const dir = scratch((c) => {
      c["platform:logRetentionDays"] = 45;
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]?.message).toContain(
      "must be one of the values CloudWatch accepts: 1, 3, 5, 7, 14, 30, 60",
    );
  });

  it("rejects an invalid Fargate CPU/memory pair, listing valid memory sizes", () => {
    const dir = scratch((c) => {
      c["platform:serviceMemoryMb"] = 512;
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]).toEqual({
      key: "platform:serviceMemoryMb",
      value: "512",
      message: "is not a Fargate size for serviceCpu 1024; allowed: 2048, 3072, 4096, 5120, 6144, 7168, 8192",
    });
  });

  it("rejects a bad e-mail address, naming its position", () => {
    const dir = scratch((c) => {
      c["platform:alertEmails"] = ["oncall@example.com", "not-an-address"];
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]).toMatchObject({
      key: "platform:alertEmails[1]",
      value: '"not-an-address"',
    });
  });

  it("rejects a domain outside its hosted zone", () => {
    const dir = scratch((c) => {
      c["platform:domainName"] = "ledger.other.example.org";
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]?.message).toContain("is not inside hostedZoneName (platform.example.com)");
  });

  it("rejects an extra tag that overrides a platform tag", () => {
    const dir = scratch((c) => {
      c["platform:extraTags"] = ["Environment=dev"];
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]?.message).toContain("sets a tag the platform sets itself");
  });

  it("requires settings that have no default", () => {
    const dir = scratch((c) => {
      delete c["platform:domainName"];
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]).toMatchObject({
      key: "platform:domainName",
      message: expect.stringContaining("is required"),
    });
  });

  it("lists every production rule a non-HA file breaks at once", () => {
    const dir = scratch((c) => {
      c["platform:natGateways"] = "single";
      c["platform:dbMultiAz"] = false;
      c["platform:dbDeletionProtection"] = false;
      c["platform:dbBackupRetentionDays"] = 3;
      c["platform:redisReplicaCount"] = 0;
      c["platform:deploymentStrategy"] = "rolling";
    });
    const keys = failure(() => loadEnvironment("prod", { rootDir: dir })).problems.map((p) => p.key);
    expect(keys.sort()).toEqual(
      [
        "platform:dbBackupRetentionDays",
        "platform:dbDeletionProtection",
        "platform:dbMultiAz",
        "platform:deploymentStrategy",
        "platform:natGateways",
        "platform:redisReplicaCount",
      ].sort(),
    );
  });

  it("accepts an https OIDC issuer and rejects a plain-http one", () => {
    const good = scratch((c) => {
      c["platform:oidcIssuer"] = "https://login.example.com/";
    });
    expect(loadEnvironment("prod", { rootDir: good }).oidc.issuer).toBe("https://login.example.com/");
    const bad = scratch((c) => {
      c["platform:oidcIssuer"] = "http://login.example.com/";
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: bad })).problems[0]).toMatchObject({
      key: "platform:oidcIssuer",
      message: expect.stringContaining("https URL"),
    });
  });

  it("rejects a secret value: the environment file holds none", () => {
    const dir = scratch((c) => {
      c["platform:owner"] = { secure: "v1:abc" };
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]?.message).toContain("is a secret");
  });

  it("reports YAML syntax errors with the file name", () => {
    const dir = scratch(() => undefined);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  platform:tier: [production\n");
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.message).toMatch(/^Pulumi\.prod\.yaml: 1 problem/);
    expect(error.message).toContain("is not valid YAML");
  });

  it("rejects a file without a config mapping", () => {
    const dir = scratch(() => undefined);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "platform:tier: production\n");
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]?.key).toBe("config");
  });
});

describe("the compute platform", () => {
  it("keeps staging and prod on ECS (the default)", () => {
    expect(loadEnvironment("staging").compute.platform).toBe("ecs");
    expect(loadEnvironment("prod").compute.platform).toBe("ecs");
  });

  it("loads the staging-eks example with a private endpoint on the standard support track", () => {
    const env = loadEnvironment("staging-eks");
    expect(env.isProduction).toBe(false);
    expect(env.compute).toEqual({
      platform: "eks",
      migrateTo: "none",
      eks: {
        kubernetesVersion: "1.35",
        supportType: "STANDARD",
        nodePools: ["general-purpose", "system"],
        endpointPublicAccess: false,
        publicAccessCidrs: [],
      },
      lambda: expect.any(Object) as unknown,
    });
  });

  it("loads the staging-lambda example: the function's size, reserved concurrency and the API's throttle", () => {
    const env = loadEnvironment("staging-lambda");
    expect(env.compute.platform).toBe("lambda");
    expect(env.compute.lambda).toEqual({ memoryMb: 1024, timeoutSeconds: 20, reservedConcurrency: 20, throttle: { ratePerSecond: 50, burst: 100 } });
  });

  it.each([
    ["platform:lambdaMemoryMb", 64, "must be from 128 to 10240"],
    ["platform:lambdaTimeoutSeconds", 30, "must be from 1 to 29"],
    ["platform:lambdaReservedConcurrency", 0, "must be from 1 to 1000"],
    ["platform:apiThrottleBurst", 10, "is below apiThrottleRatePerSecond (100)"],
    ["platform:lambdaReservedConcurrency", 5, "is too low for production; reserve at least 10"],
  ])("rejects %s = %j on the lambda platform, saying what is allowed", (key, value, message) => {
    const dir = scratch((c) => {
      c["platform:computePlatform"] = "lambda";
      c[key] = value;
    });
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.problems[0]).toMatchObject({ key, value: JSON.stringify(value) });
    expect(error.problems[0]?.message).toContain(message);
  });

  it("accepts production's shape on EKS", () => {
    const dir = scratch((c) => {
      c["platform:computePlatform"] = "eks";
    });
    const env = loadEnvironment("prod", { rootDir: dir });
    expect(env.isProduction).toBe(true);
    expect(env.compute.platform).toBe("eks");
    expect(env.compute.eks.kubernetesVersion).toBe("1.35");
  });

  it.each([
    ["platform:computePlatform", "fargate", "must be one of: ecs, eks, lambda"],
    ["platform:eksKubernetesVersion", "1.9", 'a Kubernetes minor version EKS supports, quoted, such as "1.35"'],
    ["platform:eksSupportType", "FOREVER", "must be one of: STANDARD, EXTENDED"],
    ["platform:eksNodePools", ["system"], "must include general-purpose"],
  ])("rejects %s = %j, saying what is allowed", (key, value, message) => {
    const dir = scratch((c) => {
      c["platform:computePlatform"] = "eks";
      c[key] = value;
    });
    const error = failure(() => loadEnvironment("prod", { rootDir: dir }));
    expect(error.problems[0]).toMatchObject({ key, value: JSON.stringify(value) });
    expect(error.problems[0]?.message).toContain(message);
  });

  it("refuses a public API endpoint without CIDRs, and one open to the internet", () => {
    const open = scratch((c) => {
      c["platform:eksEndpointPublicAccess"] = true;
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: open })).problems[0]).toMatchObject({
      key: "platform:eksPublicAccessCidrs",
      message: expect.stringContaining("is empty while eksEndpointPublicAccess is true") as unknown,
    });
    const world = scratch((c) => {
      c["platform:eksEndpointPublicAccess"] = true;
      c["platform:eksPublicAccessCidrs"] = ["0.0.0.0/0"];
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: world })).problems[0]).toMatchObject({
      key: "platform:eksPublicAccessCidrs[0]",
      value: '"0.0.0.0/0"',
      message: expect.stringContaining("far too wide") as unknown,
    });
    const office = scratch((c) => {
      c["platform:eksEndpointPublicAccess"] = true;
      c["platform:eksPublicAccessCidrs"] = ["203.0.113.0/24"];
    });
    expect(loadEnvironment("prod", { rootDir: office }).compute.eks.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
  });
});

describe("the mesh settings", () => {
  it("defaults to no mesh, with one catch-all route timeout", () => {
    expect(loadEnvironment("prod").mesh).toEqual({ mode: "none", mtls: false, routes: [{ pathPrefix: "/", timeoutSeconds: 15, retries: 0 }] });
  });

  it("refuses a mesh the platform cannot run, naming the key and the fix", () => {
    const dir = scratch((c) => {
      c["platform:meshMode"] = "istio-ambient";
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems).toEqual([
      {
        key: "platform:meshMode",
        value: '"istio-ambient"',
        message: "is istio-ambient, which runs on computePlatform eks only (this environment is ecs); use service-connect or none",
      },
    ]);
  });

  it("points at the one bad route", () => {
    const dir = scratch((c) => {
      c["platform:meshRoutes"] = ["/ timeout=15s", "/v1 timeout=90s"];
    });
    expect(failure(() => loadEnvironment("prod", { rootDir: dir })).problems[0]).toMatchObject({
      key: "platform:meshRoutes[1]",
      value: '"/v1 timeout=90s"',
    });
  });
});

describe("recovery environments (<env>-dr), derived from the environment's file", () => {
  it("derives prod-dr from Pulumi.prod.yaml: same sizes and protections, in prod's DR region, on its own host name", () => {
    const prod = loadEnvironment("prod");
    const dr = loadEnvironment("prod-dr");
    expect(dr.name).toBe("prod-dr");
    expect(dr.file).toBe(prod.file);
    expect(dr.awsRegion).toBe(prod.drRegion);
    expect(dr.drRegion).toBe(prod.awsRegion);
    expect(dr.recovery).toEqual({ prepared: false, of: "prod" });
    expect(prod.recovery).toEqual({ prepared: true });
    expect(dr.isProduction).toBe(true);
    expect(dr.database).toEqual({ ...prod.database, replicateBackupsToDr: false });
    expect(dr.service).toEqual(prod.service);
    expect(dr.dns).toEqual({ domainName: `dr.${prod.dns.domainName}`, hostedZoneName: prod.dns.hostedZoneName });
    expect(dr.tags).toEqual({ ...prod.tags, Environment: "prod-dr", RecoveryOf: "prod" });
    expect(Object.isFrozen(dr.recovery)).toBe(true);
    expect(listEnvironments()).not.toContain("prod-dr");
  });

  it("refuses to derive from an environment that keeps no backups in its DR region", () => {
    const error = failure(() => loadEnvironment("staging-dr"));
    expect(error.code).toBe("INVALID_ENVIRONMENT");
    expect(error.message).toContain("platform:dbReplicateBackupsToDr");
    expect(error.message).toContain("staging keeps no backups in its DR region (eu-central-1), so staging-dr has nothing to restore");
  });

  it("refuses a hand-written file for a recovery environment", () => {
    const root = scratch(() => undefined);
    fs.copyFileSync(path.join(root, "Pulumi.prod.yaml"), path.join(root, "Pulumi.prod-dr.yaml"));
    const error = failure(() => loadEnvironment("prod-dr", { rootDir: root }));
    expect(error.message).toContain("prod-dr is the recovery environment of prod");
    expect(error.suggestion).toContain("Delete Pulumi.prod-dr.yaml");
  });

  it("leaves a name ending in -dr alone when no environment of the prefix exists", () => {
    expect(failure(() => loadEnvironment("nowhere-dr")).code).toBe("UNKNOWN_ENVIRONMENT");
  });
});
