import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { harness, image, type Harness } from "../../test/memory-services";
import { IMAGE_CONFIG_KEY, type PreviewStep } from "../engine/engine";
import { violationFromEvent } from "../engine/policy";
import { ExitCode } from "../errors";
import { PR_COMMENT_LIMIT, PR_COMMENT_MARKER } from "../report/pr-comment";

const step = (op: PreviewStep["op"], type: string, name: string, extra: Partial<PreviewStep> = {}): PreviewStep => ({
  op,
  type,
  name,
  urn: `urn:pulumi:staging::p::${type}::${name}`,
  ...extra,
});

function deployedEverywhere(): Harness {
  const h = harness();
  for (const env of ["staging", "prod"]) for (const layer of ["network", "data", "compute"] as const) h.deploy(env, layer);
  return h;
}

/** A finding as the engine's policyEvent carries it (the message: the rule's description, then what it found). */
const finding = (level: string, policyName: string, urn: string, found: string) =>
  violationFromEvent({ resourceUrn: urn, message: `A rule.\n${found}\n`, policyName, policyPackName: "platform", enforcementLevel: level });
const sshGroup = "urn:pulumi:staging::platform-network::aws:ec2/securityGroup:SecurityGroup::open-ssh";

const tmpFile = (name: string): string => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "devctl-comment-")), name);

describe("devctl preview --without-secrets", () => {
  it("reports an environment whose secrets this run lacks as not previewed, says so, and touches none of its stacks", async () => {
    const h = deployedEverywhere();
    const file = tmpFile("prod.md");
    const { code, stdout, stderr } = await h.run(["preview", "prod", "--without-secrets", "--comment-file", file]);
    expect(code).toBe(ExitCode.Success);
    expect(h.engine.calls).toEqual([]);
    expect(stderr).toContain("prod: previewed without prod's secrets (PULUMI_CONFIG_PASSPHRASE is not set)");
    expect(stdout).toContain("Preview of prod (production)");
    expect(stdout).toContain("not previewed: this run has none of prod's secrets");
    expect(stdout).toMatch(/network\s+SKIPPED/);
    expect(fs.readFileSync(file, "utf8")).toContain("> Not previewed: this run has none of prod's secrets");
    expect(fs.readFileSync(file, "utf8")).toContain("devctl plan prod");
    // Not "No changes": nothing was looked at.
    expect(stdout).toContain("Not previewed: prod.");
    expect(stdout).not.toContain("No changes");
    expect(fs.readFileSync(file, "utf8")).toContain("**Not previewed**: prod.");
    expect(fs.readFileSync(file, "utf8")).not.toContain("No changes");
  });

  it("previews as usual when the secrets are there", async () => {
    const h = deployedEverywhere();
    const { code, stderr } = await h.run(["preview", "prod", "--without-secrets"], { env: { PULUMI_CONFIG_PASSPHRASE: "prod's" } });
    expect(code).toBe(ExitCode.Success);
    // A call names the stack, then any config override (prod's compute previews the image that runs there).
    const previewed = h.engine.calls.filter((c) => c.startsWith("preview ")).map((c) => c.split(" ")[1]);
    expect(previewed.sort()).toEqual(["prod/compute", "prod/data", "prod/network"]);
    expect(stderr).not.toContain("without prod's secrets");
  });

  it("treats a secrets provider other than the passphrase as available (its access is the cloud role's)", async () => {
    const h = deployedEverywhere();
    const { code } = await h.run(["--secrets-provider", "awskms://alias/platform-prod", "preview", "prod", "--without-secrets"]);
    expect(code).toBe(ExitCode.Success);
    expect(h.engine.calls.filter((c) => c.startsWith("preview ")).length).toBe(3);
  });

  it("refuses --expect-no-changes for an environment it could not preview", async () => {
    const h = deployedEverywhere();
    const { code, stderr } = await h.run(["preview", "prod", "--without-secrets", "--expect-no-changes"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain("prod was not previewed");
  });
});

describe("devctl preview", () => {
  it("previews every layer and summarises creates/updates/replaces/deletes with risk flags", async () => {
    const h = deployedEverywhere();
    h.engine.planned.set("staging/data", [
      step("replace", "aws:rds/instance:Instance", "db"),
      step("update", "aws:elasticache/replicationGroup:ReplicationGroup", "cache"),
    ]);
    h.engine.planned.set("staging/network", [
      step("create", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "alb-https", { newInputs: { cidrIpv4: "0.0.0.0/0" } }),
    ]);
    const { code, stdout } = await h.run(["preview", "staging"]);
    expect(code).toBe(ExitCode.Success);
    expect(h.engine.calls.filter((c) => c.startsWith("preview ")).sort()).toEqual([
      `preview staging/compute {"${IMAGE_CONFIG_KEY}":null}`,
      "preview staging/data",
      "preview staging/network",
    ]);
    expect(stdout).toMatch(/data\s+create 0 {2}update 1 {2}replace 1 {2}delete 0/);
    expect(stdout).toContain("! RISK replaces database db (aws:rds/instance:Instance)");
    expect(stdout).toContain("! RISK adds ingress rule alb-https open to the internet (0.0.0.0/0)");
    expect(stdout).toContain("Changes pending; 2 risk flags.");
    expect(h.engine.calls.some((c) => c.startsWith("up "))).toBe(false);
  });

  it("runs the layers' previews concurrently (they read deployed upstream outputs only)", async () => {
    const h = deployedEverywhere();
    let running = 0;
    let most = 0;
    const original = h.engine.preview.bind(h.engine);
    h.engine.preview = async (ref, options) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return original(ref, options);
    };
    expect((await h.run(["preview", "staging"])).code).toBe(ExitCode.Success);
    expect(most).toBe(3);
  });

  it("--expect-no-changes exits 3 on changes and 0 without", async () => {
    const h = deployedEverywhere();
    expect((await h.run(["preview", "staging", "--expect-no-changes"])).code).toBe(ExitCode.Success);
    h.engine.planned.set("staging/compute", [step("update", "aws:ecs/service:Service", "service")]);
    const changed = await h.run(["preview", "staging", "--expect-no-changes"]);
    expect(changed.code).toBe(ExitCode.Changes);
    expect(changed.stderr).toContain("changes found where none were expected");
  });

  it("--json prints one JSON document and nothing else on stdout", async () => {
    const h = deployedEverywhere();
    h.engine.planned.set("prod/data", [step("delete", "aws:route53/record:Record", "www")]);
    const { code, io } = await h.run(["preview", "staging", "prod", "--json", "--expect-no-changes"]);
    expect(code).toBe(ExitCode.Changes);
    expect(io.stdout).toHaveLength(1);
    const report = JSON.parse(io.stdout[0]!);
    expect(report.environments.map((e: { environment: string }) => e.environment)).toEqual(["staging", "prod"]);
    expect(report).toMatchObject({ command: "preview", changes: true, riskCount: 1 });
    expect(io.stderr.some((l) => l.includes("changes found"))).toBe(true);
  });

  it("fails with POLICY_VIOLATION naming each mandatory rule and resource when the policy pack stops a preview", async () => {
    const h = deployedEverywhere();
    h.engine.policy.set("staging/network", [
      finding("mandatory", "security-group-ingress", sshGroup, "port 22 open to 0.0.0.0/0"),
      finding("advisory", "required-tags", sshGroup, "missing tag owner"),
    ]);
    const { code, stdout, stderr } = await h.run(["preview", "staging"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stdout).toMatch(/network\s+FAILED\s+\(1 mandatory policy violation in network\/staging: security-group-ingress\)/);
    expect(stdout).toMatch(/data\s+create 0/);
    // The error lists the mandatory findings only; the progress lines before it stream every finding.
    expect(stderr.slice(stderr.indexOf("error: "))).toBe(
      "error: 1 mandatory policy violation in network/staging: security-group-ingress\n" +
        "  [mandatory] security-group-ingress: aws:ec2/securityGroup:SecurityGroup open-ssh: A rule. port 22 open to 0.0.0.0/0\n" +
        "  fix: fix the resources listed (the rules live in policy/src/rules/), then run it again; devctl plan staging checks the same rules offline",
    );
    expect(stderr).toContain("[staging/network 0s] policy [advisory] required-tags");
  });

  it("prints a passing preview's advisory findings as warnings, in the report, the JSON and the PR comment", async () => {
    const h = deployedEverywhere();
    h.engine.policy.set("staging/network", [finding("advisory", "required-tags", sshGroup, "missing tag owner")]);
    const file = tmpFile("staging.md");
    const { code, stdout } = await h.run(["preview", "staging", "--comment-file", file]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toContain("    warning: [advisory] required-tags: aws:ec2/securityGroup:SecurityGroup open-ssh: A rule. missing tag owner");
    expect(fs.readFileSync(file, "utf8")).toContain(
      "- **network**: [advisory] required-tags: aws:ec2/securityGroup:SecurityGroup open-ssh: A rule. missing tag owner",
    );
    const json = await h.run(["preview", "staging", "--json"]);
    const network = JSON.parse(json.io.stdout[0]!).environments[0].layers.find((l: { layer: string }) => l.layer === "network");
    expect(network.violations).toEqual([expect.objectContaining({ policy: "required-tags", level: "advisory", name: "open-ssh" })]);
  });

  it("skips a layer whose upstream was never deployed and names what to deploy", async () => {
    const h = harness();
    h.deploy("staging", "network");
    const { code, stdout } = await h.run(["preview", "staging"]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/compute\s+SKIPPED\s+\(needs data deployed first \(devctl up staging --layer data\)\)/);
    expect(h.engine.calls.filter((c) => c.startsWith("preview ")).sort()).toEqual(["preview staging/data", "preview staging/network"]);
  });

  it("writes a PR comment: marker, summary table first, risks, details folded, a heading per environment", async () => {
    const h = deployedEverywhere();
    h.engine.planned.set("staging/data", [step("replace", "aws:rds/instance:Instance", "db", { diffs: ["engineVersion"] })]);
    h.engine.planned.set("prod/compute", [step("update", "aws:ecs/service:Service", "service")]);
    const file = tmpFile("preview.md");
    expect((await h.run(["preview", "staging", "prod", "--comment-file", file])).code).toBe(ExitCode.Success);
    const comment = fs.readFileSync(file, "utf8");
    expect(comment.startsWith(`${PR_COMMENT_MARKER}\n## devctl preview`)).toBe(true);
    const table = comment.indexOf("| Environment | Layer | Changes | Risks |");
    expect(table).toBeGreaterThan(0);
    expect(comment.indexOf("### staging")).toBeGreaterThan(table);
    expect(comment.indexOf("### prod (production)")).toBeGreaterThan(comment.indexOf("### staging"));
    expect(comment).toContain("| staging | data | +0 ~0 +-1 -0 | ⚠️ 1 |");
    expect(comment).toContain("- ⚠️ **data**: replaces database db");
    expect(comment).toContain("<details><summary>data: 1 change</summary>");
    expect(comment).toContain("+- aws:rds/instance:Instance db [engineVersion]");
    expect(fs.readFileSync(`${file}.full.md`, "utf8")).toBe(comment);
  });

  it("caps the comment's size with a note and keeps the full diff beside it", async () => {
    const h = deployedEverywhere();
    const many = Array.from({ length: 3000 }, (_, i) => step("create", "aws:cloudwatch/metricAlarm:MetricAlarm", `alarm-with-a-long-name-${i}`));
    h.engine.planned.set("staging/compute", many);
    h.engine.planned.set("prod/compute", [step("update", "aws:ecs/service:Service", "service")]);
    const file = tmpFile("preview.md");
    const { stderr } = await h.run(["preview", "staging", "prod", "--comment-file", file]);
    const comment = fs.readFileSync(file, "utf8");
    const full = fs.readFileSync(`${file}.full.md`, "utf8");
    expect(comment.length).toBeLessThanOrEqual(PR_COMMENT_LIMIT);
    expect(full.length).toBeGreaterThan(PR_COMMENT_LIMIT);
    expect(full).toContain("alarm-with-a-long-name-2999");
    expect(comment).toContain("too long for one comment");
    expect(comment).toContain("preview.md.full.md");
    // The summary survives the cut, the folded details of the big environment do not, smaller ones do.
    expect(comment).toContain("| staging | compute | +3000 ~0 +-0 -0 | – |");
    expect(comment).not.toContain("alarm-with-a-long-name-2999");
    expect(comment).toContain("### prod (production)");
    expect(comment).toContain("<details><summary>compute: 1 change</summary>");
    expect((comment.match(/<details>/g) ?? []).length).toBe((comment.match(/<\/details>/g) ?? []).length);
    expect(stderr).toContain("cut to fit");
  });
});

describe("devctl drift", () => {
  it("lists drifted resources and exits 3", async () => {
    const h = deployedEverywhere();
    h.engine.drift.set("staging/network", [step("update", "aws:ec2/securityGroup:SecurityGroup", "alb", { diffs: ["ingress"] })]);
    const { code, stdout } = await h.run(["drift", "staging"]);
    expect(code).toBe(ExitCode.Changes);
    expect(stdout).toContain("~ aws:ec2/securityGroup:SecurityGroup alb [ingress]");
    expect(stdout).toContain("Drift found.");
    expect(h.engine.calls.filter((c) => c.startsWith("previewRefresh")).sort()).toEqual([
      "previewRefresh staging/compute",
      "previewRefresh staging/data",
      "previewRefresh staging/network",
    ]);
  });

  it("exits 0 without drift and skips layers that were never deployed", async () => {
    const h = harness();
    h.deploy("staging", "network");
    const { code, stdout } = await h.run(["drift", "staging"]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toContain("No drift.");
    expect(stdout).toMatch(/data\s+SKIPPED\s+\(never deployed/);
  });
});

describe("devctl preview of the compute layer previews the image devctl up would deploy", () => {
  const deployedWith = (environment: string, pin: Record<string, string>): Harness => {
    const h = harness();
    h.deploy(environment, "network");
    h.deploy(environment, "data");
    h.deploy(environment, "compute", pin);
    return h;
  };

  it("production in a fresh checkout (no stack config file): the running image, read from the stack's state, not a rebuild", async () => {
    const h = deployedWith("prod", { [IMAGE_CONFIG_KEY]: image("v1") });
    // A fresh checkout (every CI job): the git-ignored Pulumi.prod.yaml with the pin is not there.
    h.engine.stack({ environment: "prod", layer: "compute" }).config = {};
    const { code, stdout } = await h.run(["preview", "prod", "--layer", "compute", "--json"]);
    expect(code).toBe(ExitCode.Success);
    const compute = JSON.parse(stdout).environments[0].layers[0];
    expect(compute).toMatchObject({ layer: "compute", status: "ok", counts: { create: 0, update: 0, replace: 0, delete: 0 } });
    expect(h.engine.calls).toContain(`preview prod/compute {"${IMAGE_CONFIG_KEY}":"${image("v1")}"}`);
  });

  it("staging: a build from source, as devctl up staging does, whatever image this checkout's file still pins", async () => {
    const h = deployedWith("staging", {});
    h.engine.stack({ environment: "staging", layer: "compute" }).config = { [IMAGE_CONFIG_KEY]: image("left-over") };
    const { code, stdout } = await h.run(["preview", "staging", "--layer", "compute", "--json"]);
    expect(code).toBe(ExitCode.Success);
    expect(JSON.parse(stdout).environments[0].layers[0].counts.update).toBe(0);
    expect(h.engine.stack({ environment: "staging", layer: "compute" }).config[IMAGE_CONFIG_KEY]).toBe(image("left-over"));
  });
});
