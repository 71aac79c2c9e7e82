import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allSteps, REPO_ROOT, workflow, workflowFiles, type Job } from "./workflow-files";

// The pipeline's promises, checked on the workflow files themselves: what a user relies on when they push.
const files = workflowFiles();
const steps = allSteps(files);
const usesOf = (job: Job) => (job.steps ?? []).map((s) => s.uses ?? "").filter(Boolean);
const runsOf = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");

describe("every workflow", () => {
  // Pinning, checkouts, secrets on steps, caches and OIDC tokens: workflow-audit.test.ts.

  it("never uses long-lived AWS keys", () => {
    for (const { file, text } of files) {
      expect(text, file).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
    }
  });

  it("asks for an OIDC token exactly where AWS credentials are configured, and assumes the role of the job's kind", () => {
    const roleOf: Record<string, string> = {
      "preview-staging": "PREVIEW",
      staging: "DEPLOY",
      production: "DEPLOY",
      "bootstrap-prod": "DEPLOY",
      rollback: "DEPLOY",
      drift: "DRIFT",
      "dr-drill": "DR_DRILL",
    };
    for (const { file, doc } of files) {
      expect(doc.permissions, `${file}: the default token is read-only`).toEqual({ contents: "read" });
      for (const [name, job] of Object.entries(doc.jobs)) {
        const assumesRole = usesOf(job).some((u) => u.startsWith("aws-actions/configure-aws-credentials@"));
        const permissions = typeof job.permissions === "object" ? job.permissions : {};
        expect(permissions["id-token"] === "write", `${file} ${name}`).toBe(assumesRole);
        if (assumesRole) {
          const configure = job.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
          expect(String(configure.with?.["role-to-assume"]), `${file} ${name}`).toBe(`\${{ vars.AWS_${roleOf[name] ?? "?"}_ROLE_ARN }}`);
        }
      }
    }
  });

  it("installs the Pulumi CLI at the version of the @pulumi/pulumi SDK the lockfile resolves", () => {
    const installs = steps.filter(({ step }) => step.uses?.startsWith("pulumi/actions@"));
    expect(installs.length).toBeGreaterThanOrEqual(5);
    for (const { file, job, step } of installs) {
      expect(step.with?.["pulumi-version"], `${file} ${job}`).toBe("${{ steps.pulumi-version.outputs.version }}");
      const version = workflowFiles()
        .find((w) => w.file === file)!
        .doc.jobs[job]!.steps!.find((s) => s.id === "pulumi-version");
      expect(version?.run, `${file} ${job}`).toContain(`require("@pulumi/pulumi/package.json").version`);
    }
  });

  it("runs Node 24", () => {
    for (const { file, doc } of files) expect(doc.env?.NODE_VERSION, file).toBe("24");
  });

  it("passes each Pulumi secret only to the steps of a job in a GitHub environment", () => {
    for (const { file, job, step } of steps) {
      if (!JSON.stringify(step.env ?? {}).includes("secrets.PULUMI_CONFIG_PASSPHRASE")) continue;
      const environment = workflowFiles().find((w) => w.file === file)!.doc.jobs[job]!.environment;
      expect(environment, `${file} ${job} reads the passphrase outside an environment`).toBeDefined();
    }
  });
});

describe("pull-request.yml", () => {
  const pr = workflow("pull-request.yml");

  it("cancels a superseded run of the same pull request", () => {
    expect(pr.concurrency).toEqual({ group: "pull-request-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });

  it("tests against PostgreSQL and Redis service containers with trust auth", () => {
    const test = pr.jobs.test!;
    expect(test.services?.postgres?.env?.POSTGRES_HOST_AUTH_METHOD).toBe("trust");
    expect(test.services?.postgres?.ports).toEqual(["5432:5432"]);
    expect(test.services?.redis?.ports).toEqual(["6379:6379"]);
    expect(runsOf(test)).toMatch(/pnpm install --frozen-lockfile[\s\S]*typecheck[\s\S]*lint[\s\S]*test-with-coverage\.sh/);
    const setupNode = test.steps!.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setupNode?.with?.cache).toBe("pnpm");
  });

  it("runs the plan, the audit, CodeQL and a failing Trivy scan of the image", () => {
    expect(runsOf(pr.jobs.plan!)).toContain('pnpm devctl plan "$TARGET_ENV"');
    expect(runsOf(pr.jobs.audit!)).toContain("pnpm audit --audit-level high");
    expect(usesOf(pr.jobs.codeql!)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^github\/codeql-action\/init@/), expect.stringMatching(/^github\/codeql-action\/analyze@/)]),
    );
    const image = pr.jobs.image!;
    expect(runsOf(image)).toMatch(/docker buildx build .* -f service\/Dockerfile .* \.$/m);
    const trivy = image.steps!.find((s) => s.uses?.startsWith("aquasecurity/trivy-action@"))!;
    expect(trivy.with).toMatchObject({ severity: "HIGH,CRITICAL", "exit-code": "1", "ignore-unfixed": true });
  });

  it("previews staging with staging's preview environment, and skips forks and Dependabot by the pull request's author", () => {
    const preview = pr.jobs["preview-staging"]!;
    expect(preview.environment).toBe("preview-staging");
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.if).toContain("github.event.pull_request.user.login != 'dependabot[bot]'");
    expect(runsOf(preview)).toContain('pnpm devctl preview staging --comment-file "$COMMENT_FILE"');
    expect(preview.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("never gives a pull request prod's secrets: the prod preview runs without environment, role or secret", () => {
    const preview = pr.jobs["preview-prod"]!;
    expect(preview.environment).toBeUndefined();
    expect(preview.permissions).toBeUndefined();
    expect(JSON.stringify(preview)).not.toMatch(/secrets\.|vars\.AWS_/);
    expect(runsOf(preview)).toContain("pnpm devctl preview prod --without-secrets --comment-file .devctl/pr-comment/prod.md");
    for (const [name, job] of Object.entries(pr.jobs)) {
      expect(job.environment === undefined || job.environment === "preview-staging", `${name} names environment ${JSON.stringify(job.environment)}`).toBe(true);
    }
  });

  it("posts one sticky comment per environment from a job that never checks out the pull request", () => {
    const comment = pr.jobs.comment!;
    expect(comment.needs).toEqual(["preview-staging", "preview-prod"]);
    expect(usesOf(comment).some((u) => u.startsWith("actions/checkout@"))).toBe(false);
    expect(runsOf(comment).trim()).toBe("");
    expect(comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const sticky = comment.steps!.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
    expect(sticky.with?.header).toBe("devctl-preview-${{ matrix.environment }}");
    for (const [name, job] of Object.entries(pr.jobs)) {
      if (name !== "comment") expect(JSON.stringify(job.permissions ?? {}), name).not.toContain("pull-requests");
    }
  });

  it("waits for the SonarQube quality gate on coverage from the test run", () => {
    const gate = pr.jobs["quality-gate"]!;
    expect(gate.needs).toBe("test");
    const scan = gate.steps!.find((s) => s.uses?.startsWith("SonarSource/sonarqube-scan-action@"))!;
    expect(String(scan.with?.args)).toContain("-Dsonar.qualitygate.wait=true");
  });
});

describe("deploy.yml", () => {
  const deploy = workflow("deploy.yml");

  it("deploys staging after the tests, then smoke-tests it", () => {
    expect(deploy.on).toHaveProperty("push", { branches: ["main"] });
    const staging = deploy.jobs.staging!;
    expect(staging.needs).toBe("test");
    expect(runsOf(staging)).toMatch(/pnpm devctl up staging --yes[\s\S]*pnpm devctl smoke staging/);
  });

  it("promotes to prod only through the production environment, with the soak gate", () => {
    const production = deploy.jobs.production!;
    expect(production.needs).toBe("staging");
    expect(production.environment).toBe("production");
    expect(runsOf(production)).toContain("pnpm devctl promote prod --from staging --yes --soak-minutes 30");
  });

  it("runs one operation per environment at a time, never cancels one, and queues the waiting ones (a rollback is never replaced)", () => {
    const groups = Object.values(deploy.jobs)
      .filter((j) => j.concurrency)
      .map((j) => [j.concurrency!.group, j.concurrency!["cancel-in-progress"], j.concurrency!.queue]);
    expect(groups).toEqual([
      ["deploy-staging", false, "max"],
      ["deploy-prod", false, "max"],
      ["deploy-${{ inputs.environment }}", false, "max"],
      ["deploy-prod", false, "max"],
    ]);
  });

  it("reaches prod's secrets and role only through the production environment", () => {
    expect(deploy.jobs.staging!.environment).toBe("staging");
    expect(deploy.jobs.production!.environment).toBe("production");
    expect(deploy.jobs["bootstrap-prod"]!.environment).toBe("production");
    expect(deploy.jobs.test!.environment).toBeUndefined();
    expect(JSON.stringify(deploy.jobs.test)).not.toContain("secrets.");
  });

  it("bootstraps a brand-new prod by hand, through the production environment: network, data, then staging's digest", () => {
    const dispatch = (deploy.on.workflow_dispatch as { inputs: Record<string, { type: string; default?: unknown }> }).inputs;
    expect(dispatch.bootstrap_prod).toMatchObject({ type: "boolean", default: false });
    const bootstrap = deploy.jobs["bootstrap-prod"]!;
    expect(bootstrap.if).toBe("github.event_name == 'workflow_dispatch' && inputs.bootstrap_prod");
    expect(runsOf(bootstrap)).toMatch(/pnpm devctl up prod --bootstrap --from staging --yes --soak-minutes 30[\s\S]*pnpm devctl smoke prod/);
    // Never both: a bootstrap run is not also a rollback.
    expect(deploy.jobs.rollback!.if).toBe("github.event_name == 'workflow_dispatch' && !inputs.bootstrap_prod");
  });

  it("offers a manual rollback of staging or prod to the previous or a named release", () => {
    const dispatch = (deploy.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }).inputs;
    expect(dispatch.environment).toMatchObject({ type: "choice", options: ["staging", "prod"] });
    expect(dispatch.release?.type).toBe("string");
    const rollback = deploy.jobs.rollback!;
    expect(rollback.if).toBe("github.event_name == 'workflow_dispatch' && !inputs.bootstrap_prod");
    expect(rollback.environment).toEqual({ name: "${{ inputs.environment == 'prod' && 'production' || 'staging' }}" });
    // The free-text release reaches the shell as a variable, never spliced into the script.
    expect(runsOf(rollback)).not.toContain("${{ inputs.release }}");
    expect(runsOf(rollback)).toContain('pnpm devctl rollback "$TARGET_ENV" --to "$RELEASE" --yes');
  });
});

describe("drift.yml", () => {
  const drift = workflow("drift.yml");

  it("runs on a schedule and by hand for each environment", () => {
    expect(drift.on).toHaveProperty("schedule");
    expect(drift.on).toHaveProperty("workflow_dispatch");
    expect(drift.jobs.drift!.strategy?.matrix?.environment).toEqual(["staging", "prod"]);
  });

  it("shares each environment's deploy group and runs in that environment's drift environment with the drift role", () => {
    const job = drift.jobs.drift!;
    expect(job.concurrency).toEqual({ group: "deploy-${{ matrix.environment }}", "cancel-in-progress": false, queue: "max" });
    expect(job.environment).toBe("drift-${{ matrix.environment }}");
  });

  it("fails on exit codes other than 0 and 3 and files an issue only for 0 (close) or 3 (open/update)", () => {
    const job = drift.jobs.drift!;
    const check = job.steps!.find((s) => s.id === "drift")!;
    expect(check.run).toContain('pnpm --silent devctl drift "$TARGET_ENV"');
    expect(check.run).toMatch(/\*\) .*exit "\$status"/);
    const issue = job.steps!.find((s) => s.uses?.startsWith("actions/github-script@"))!;
    expect(issue.if).toBe("steps.drift.outputs.exit-code == '0' || steps.drift.outputs.exit-code == '3'");
    expect(job.permissions).toMatchObject({ issues: "write" });
  });
});

describe("dr-drill.yml", () => {
  const drill = workflow("dr-drill.yml");

  it("drills prod's recovery monthly and by hand, in its own environment, one drill at a time and never cancelled", () => {
    expect(drill.on).toMatchObject({ schedule: [{ cron: "43 6 3 * *" }] });
    expect(drill.on).toHaveProperty("workflow_dispatch");
    const job = drill.jobs["dr-drill"]!;
    expect(job.environment).toBe("dr-drill-prod");
    expect(job.concurrency).toEqual({ group: "dr-drill-prod", "cancel-in-progress": false });
  });

  it("fails the run on a failed drill and opens, updates or closes one issue either way", () => {
    const job = drill.jobs["dr-drill"]!;
    const step = job.steps!.find((s) => s.id === "drill")!;
    expect(step.run).toContain("pnpm --silent devctl dr drill prod --yes");
    expect(step.run).toContain('exit "$status"');
    const issue = job.steps!.find((s) => s.uses?.startsWith("actions/github-script@"))!;
    expect(issue.if).toBe("always() && steps.drill.outputs.exit-code != ''");
    expect(job.permissions).toMatchObject({ issues: "write", "id-token": "write" });
  });
});

describe("pinned inputs outside the workflows", () => {
  it("Dependabot updates npm, the actions and the Dockerfile base, each release at least 7 days old", () => {
    const config = parse(fs.readFileSync(path.join(REPO_ROOT, ".github", "dependabot.yml"), "utf8")) as {
      updates: { "package-ecosystem": string; cooldown?: { "default-days"?: number } }[];
    };
    expect(config.updates.map((u) => u["package-ecosystem"]).sort()).toEqual(["docker", "github-actions", "npm"]);
    for (const update of config.updates) expect(update.cooldown?.["default-days"], update["package-ecosystem"]).toBeGreaterThanOrEqual(7);
  });

  it("builds the service on Node 24 pinned by digest", () => {
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, "service", "Dockerfile"), "utf8");
    // The first stage names the image; the others start from that stage, so one digest pins them all.
    const [base, ...stages] = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?/gm)].map((m) => ({ image: m[1]!, name: m[2] }));
    expect(base?.image).toMatch(/^node:24[\w.-]*@sha256:[0-9a-f]{64}$/);
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) expect(stage.image, stage.name).toBe(base?.name);
  });
});

describe("sonar-project.properties", () => {
  const properties = new Map(
    fs
      .readFileSync(path.join(REPO_ROOT, "sonar-project.properties"), "utf8")
      .split("\n")
      .filter((line) => line.trim() && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")).trim(), line.slice(line.indexOf("=") + 1).trim()] as const),
  );

  it("points at folders that exist", () => {
    for (const key of ["sonar.sources", "sonar.tests"]) {
      const missing = (properties.get(key) ?? "").split(",").filter((dir) => !fs.existsSync(path.join(REPO_ROOT, dir)));
      expect(missing, key).toEqual([]);
    }
  });

  it("reads the lcov report the coverage script writes, and the quality gate waits for it", () => {
    expect(properties.get("sonar.javascript.lcov.reportPaths")).toBe("coverage/lcov.info");
    const script = fs.readFileSync(path.join(REPO_ROOT, "scripts", "ci", "test-with-coverage.sh"), "utf8");
    expect(script).toContain("--coverage.reporter=lcov");
    expect(script).toContain("--coverage.reportsDirectory=coverage");
  });
});

describe("docs/ci-cd.md", () => {
  const docs = fs.readFileSync(path.join(REPO_ROOT, "docs", "ci-cd.md"), "utf8");

  it("documents every secret and variable the workflows read", () => {
    const names = new Set(files.flatMap(({ text }) => [...text.matchAll(/\b(?:secrets|vars)\.([A-Z0-9_]+)/g)].map((m) => m[1]!)));
    expect(names.size).toBeGreaterThan(5);
    expect([...names].filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });

  it("names every job a branch protection rule should require", () => {
    const pr = workflow("pull-request.yml");
    const checks = Object.entries(pr.jobs).flatMap(([id, job]) => {
      const name = job.name ?? id;
      const environments = job.strategy?.matrix?.environment as string[] | undefined;
      return environments ? environments.map((e) => name.replace("${{ matrix.environment }}", e)) : [name];
    });
    expect(checks.filter((check) => !docs.includes(`\`${check}\``))).toEqual([]);
  });
});
