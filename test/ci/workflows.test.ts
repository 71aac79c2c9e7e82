import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allSteps, REPO_ROOT, workflow, workflowFiles, type Job } from "./workflow-files";

// The pipeline's promises, checked on the workflow files themselves: what a user relies on when they push.
const files = workflowFiles();
const steps = allSteps(files);
const usesOf = (job: Job) => (job.steps ?? []).map((s) => s.uses ?? "").filter(Boolean);
const runsOf = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");

describe("every workflow", () => {
  it("pins each action to a major version tag or a full commit SHA, never a branch", () => {
    const loose = steps
      .map(({ file, job, step }) => ({ where: `${file} ${job}`, uses: step.uses }))
      .filter((s): s is { where: string; uses: string } => typeof s.uses === "string" && !s.uses.startsWith("./") && !s.uses.startsWith("docker://"))
      .filter(({ uses }) => !/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(uses));
    expect(loose).toEqual([]);
  });

  it("never uses long-lived AWS keys", () => {
    for (const { file, text } of files) {
      expect(text, file).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
    }
  });

  it("asks for an OIDC token exactly where AWS credentials are configured", () => {
    for (const { file, doc } of files) {
      expect(doc.permissions, `${file}: the default token is read-only`).toEqual({ contents: "read" });
      for (const [name, job] of Object.entries(doc.jobs)) {
        const assumesRole = usesOf(job).some((u) => u.startsWith("aws-actions/configure-aws-credentials@"));
        const permissions = typeof job.permissions === "object" ? job.permissions : {};
        expect(permissions["id-token"] === "write", `${file} ${name}`).toBe(assumesRole);
        if (assumesRole) {
          const configure = job.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
          expect(String(configure.with?.["role-to-assume"]), `${file} ${name}`).toMatch(/^\$\{\{ vars\.AWS_(PREVIEW|DEPLOY)_ROLE_ARN \}\}$/);
        }
      }
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
    expect(runsOf(pr.jobs.plan!)).toContain('pnpm devctl plan "${{ matrix.environment }}"');
    expect(runsOf(pr.jobs.audit!)).toContain("pnpm audit --audit-level high");
    expect(usesOf(pr.jobs.codeql!)).toEqual(expect.arrayContaining([expect.stringMatching(/^github\/codeql-action\/init@/), expect.stringMatching(/^github\/codeql-action\/analyze@/)]));
    const image = pr.jobs.image!;
    expect(runsOf(image)).toMatch(/docker buildx build .* -f service\/Dockerfile .* \.$/m);
    const trivy = image.steps!.find((s) => s.uses?.startsWith("aquasecurity/trivy-action@"))!;
    expect(trivy.with).toMatchObject({ severity: "HIGH,CRITICAL", "exit-code": "1", "ignore-unfixed": true });
  });

  it("previews staging and prod with one sticky comment each, and never on forks", () => {
    const preview = pr.jobs.preview!;
    expect(preview.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.strategy?.matrix?.environment).toEqual(["staging", "prod"]);
    expect(runsOf(preview)).toContain('pnpm devctl preview "${{ matrix.environment }}" --comment-file "$COMMENT_FILE"');
    const sticky = preview.steps!.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
    expect(sticky.with?.header).toBe("devctl-preview-${{ matrix.environment }}");
    expect(preview.env).toMatchObject({ PULUMI_BACKEND_URL: "${{ secrets.PULUMI_BACKEND_URL }}", PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" });
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

  it("runs one deploy per environment at a time and never cancels one in progress", () => {
    const groups = Object.values(deploy.jobs).filter((j) => j.concurrency).map((j) => [j.concurrency!.group, j.concurrency!["cancel-in-progress"]]);
    expect(groups).toEqual([
      ["deploy-staging", false],
      ["deploy-prod", false],
      ["deploy-${{ inputs.environment }}", false],
      ["deploy-prod", false],
    ]);
  });

  it("bootstraps a brand-new prod by hand, through the production environment: network, data, then staging's digest", () => {
    const dispatch = (deploy.on.workflow_dispatch as { inputs: Record<string, { type: string; default?: unknown }> }).inputs;
    expect(dispatch.bootstrap_prod).toMatchObject({ type: "boolean", default: false });
    const bootstrap = deploy.jobs["bootstrap-prod"]!;
    expect(bootstrap.if).toBe("github.event_name == 'workflow_dispatch' && inputs.bootstrap_prod");
    expect(bootstrap.environment).toBe("production");
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
