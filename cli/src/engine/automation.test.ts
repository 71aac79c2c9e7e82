import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SECRET_SIG, SIG_KEY } from "@platform/infra/testing";
import { type DevctlError, ExitCode } from "../errors";
import {
  AutomationEngine,
  HISTORY_PAGE_SIZE,
  StepCollector,
  normaliseOp,
  plainOutputs,
  readHistory,
  type AutomationBackend,
  type StackHandle,
} from "./automation";
import { previewConfig, stateHasResources } from "./automation-state";
import { resourceOfUrn, violationLine } from "./policy";
import { automationSettings, findOnPath, mapAutomationError, requirePulumiCli, stackArgs, workspaceOptions } from "./automation-options";

const ref = { environment: "staging", layer: "data" as const };

describe("automationSettings", () => {
  it("defaults to a file backend inside the repository and the passphrase provider", () => {
    const settings = automationSettings({ PULUMI_CONFIG_PASSPHRASE: "" }, "/repo");
    expect(settings.backendUrl).toBe("file:///repo/.devctl/state");
    expect(settings.localStateDir).toBe("/repo/.devctl/state");
    expect(settings.secretsProvider).toBe("passphrase");
    expect(settings.envVars).toEqual({
      PULUMI_BACKEND_URL: "file:///repo/.devctl/state",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
      PULUMI_CONFIG_PASSPHRASE: "",
    });
  });

  it("uses PULUMI_BACKEND_URL when set and a chosen secrets provider without a passphrase", () => {
    const settings = automationSettings({ PULUMI_BACKEND_URL: "s3://state-bucket" }, "/repo", { secretsProvider: "awskms://alias/pulumi" });
    expect(settings.backendUrl).toBe("s3://state-bucket");
    expect(settings.localStateDir).toBeUndefined();
    // A fresh checkout has no stack config file: the CLI takes the secrets provider from the state.
    expect(settings.envVars).toEqual({
      PULUMI_BACKEND_URL: "s3://state-bucket",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
    });
    expect(automationSettings({ DEVCTL_SECRETS_PROVIDER: "awskms://alias/x" }, "/repo").secretsProvider).toBe("awskms://alias/x");
  });

  it("runs the repository's policy pack on every preview and update, unless told otherwise", () => {
    expect(automationSettings({ PULUMI_CONFIG_PASSPHRASE: "x" }, "/repo").policyPacks).toEqual(["/repo/policy"]);
    expect(automationSettings({ PULUMI_CONFIG_PASSPHRASE: "x", DEVCTL_POLICY_PACKS: "none" }, "/repo").policyPacks).toEqual([]);
    expect(automationSettings({ PULUMI_CONFIG_PASSPHRASE: "x", DEVCTL_POLICY_PACKS: "policy:/opt/org-pack" }, "/repo").policyPacks).toEqual([
      "/repo/policy",
      "/opt/org-pack",
    ]);
  });

  it("requires PULUMI_CONFIG_PASSPHRASE (or a passphrase file) for the passphrase provider, naming the fix", () => {
    expect(() => automationSettings({}, "/repo")).toThrow(/PULUMI_CONFIG_PASSPHRASE is not set/);
    expect(automationSettings({ PULUMI_CONFIG_PASSPHRASE_FILE: "/run/pass" }, "/repo").envVars.PULUMI_CONFIG_PASSPHRASE_FILE).toBe("/run/pass");
  });

  it("builds a local-program workspace per layer folder, stack name = environment", () => {
    const settings = automationSettings({ PULUMI_CONFIG_PASSPHRASE: "x" }, "/repo");
    expect(stackArgs(settings, ref)).toEqual({ workDir: "/repo/stacks/data", stackName: "staging" });
    expect(workspaceOptions(settings, { environment: "prod", layer: "compute" })).toEqual({
      workDir: "/repo/stacks/compute",
      secretsProvider: "passphrase",
      envVars: {
        PULUMI_BACKEND_URL: "file:///repo/.devctl/state",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
        PULUMI_CONFIG_PASSPHRASE: "x",
      },
    });
  });
});

describe("the Pulumi CLI check", () => {
  it("finds an executable on PATH and fails with install instructions otherwise", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-path-"));
    expect(findOnPath("pulumi", dir)).toBeUndefined();
    const error = (() => {
      try {
        requirePulumiCli({ PATH: dir });
      } catch (e) {
        return e as DevctlError;
      }
      throw new Error("no error");
    })();
    expect(error.code).toBe("PULUMI_CLI_MISSING");
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.suggestion).toContain("https://www.pulumi.com/docs/install/");
    fs.writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\n", { mode: 0o755 });
    expect(requirePulumiCli({ PATH: `/nonexistent${path.delimiter}${dir}` })).toBe(path.join(dir, "pulumi"));
  });

  it("maps the Automation API's real `spawn pulumi ENOENT` to PULUMI_CLI_MISSING", async () => {
    // The real Automation API, with a PATH where no pulumi can be found: it spawns and fails like on a fresh machine.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-repo-"));
    fs.mkdirSync(path.join(root, "stacks", "data"), { recursive: true });
    const settings = automationSettings({ PULUMI_CONFIG_PASSPHRASE: "x" }, root);
    const engine = new AutomationEngine({ ...settings, envVars: { ...settings.envVars, PATH: path.join(root, "empty-bin") } });
    expect(fs.existsSync(path.join(root, ".devctl", "state"))).toBe(true);
    await expect(engine.preview(ref)).rejects.toMatchObject({ code: "PULUMI_CLI_MISSING", message: expect.stringContaining("not installed") });
  });
});

describe("mapAutomationError", () => {
  const commandError = (name: string, stderr: string): Error => Object.assign(new Error(`code: 255\n stdout: \n stderr: ${stderr}\n`), { name });

  it("turns a held lock into STACK_LOCKED with the cancel command", () => {
    const error = mapAutomationError(
      commandError(
        "ConcurrentUpdateError",
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file",
      ),
      ref,
    ) as DevctlError;
    expect(error.code).toBe("STACK_LOCKED");
    expect(error.suggestion).toContain("pulumi cancel --stack staging");
    expect((mapAutomationError(commandError("CommandError", "[409] Conflict: Another update is currently in progress."), ref) as DevctlError).code).toBe(
      "STACK_LOCKED",
    );
  });

  it("turns a missing upstream stack reference into UPSTREAM_NOT_DEPLOYED naming the layer to deploy", () => {
    const error = mapAutomationError(
      commandError("CommandError", 'error: Preview failed: unknown stack "organization/platform-network/staging"'),
      ref,
    ) as DevctlError;
    expect(error.code).toBe("UPSTREAM_NOT_DEPLOYED");
    expect(error.suggestion).toBe("run devctl up staging --layer network first");
  });

  it("recognises missing AWS credentials", () => {
    const error = mapAutomationError(commandError("CommandError", "error: No valid credential sources found for AWS Provider."), ref) as DevctlError;
    expect(error.code).toBe("AWS_CREDENTIALS_MISSING");
    expect(error.exitCode).toBe(ExitCode.Usage);
  });

  it("says which cluster permission a role lacks when Kubernetes refuses it, and how an eks environment grants it", () => {
    const error = mapAutomationError(
      commandError(
        "CommandError",
        "    error: Preview failed: failed to read resource state due to: query: failed to query with labels: secrets is forbidden: " +
          'User "arn:aws:sts::123456789012:assumed-role/platform-drift-staging/devctl" cannot list resource "secrets" in API group "" in the namespace "release-ledger"\n',
      ),
      ref,
    ) as DevctlError;
    expect(error.code).toBe("OPERATION_FAILED");
    expect(error.message).toBe(
      'data/staging: the cluster refused platform-drift-staging: it may not list "secrets" in namespace release-ledger (Kubernetes RBAC, not IAM)',
    );
    expect(error.suggestion).toContain("devctl up staging --layer compute");
    expect(error.suggestion).toContain("docs/ci-cd.md");
    const clusterWide = mapAutomationError(
      commandError("CommandError", 'error: namespaces is forbidden: User "someone" cannot list resource "namespaces" in API group "" at the cluster scope\n'),
      ref,
    ) as DevctlError;
    expect(clusterWide.message).toBe('data/staging: the cluster refused someone: it may not list "namespaces" at the cluster scope (Kubernetes RBAC, not IAM)');
  });

  it("keeps the CLI's own error lines for anything else", () => {
    const error = mapAutomationError(
      commandError("CommandError", "Updating (staging)\n    error: aws:rds/instance:Instance resource 'db' has a problem: bad class\n"),
      ref,
    ) as DevctlError;
    expect(error.code).toBe("OPERATION_FAILED");
    expect(error.message).toBe("data/staging: error: aws:rds/instance:Instance resource 'db' has a problem: bad class");
  });
});

describe("mapAutomationError on errors as the SDK really throws them", () => {
  // automation/cmd.js: execa rejects on a non-zero exit with "Command failed …\n<stderr>\n<stdout>"; exec()
  // wraps that message as the stderr of a new CommandResult whose err is the execa error, so the CLI's
  // stderr appears twice in the text (stderr: and err?:), and createCommandError names it from that text.
  const sdk = async (stderr: string, stdout = ""): Promise<Error> => {
    const { CommandResult } = (await import("@pulumi/pulumi/automation/cmd.js")) as unknown as {
      CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => object;
    };
    const { createCommandError } = (await import("@pulumi/pulumi/automation/errors.js")) as unknown as { createCommandError: (result: object) => Error };
    const execa = new Error([`Command failed with exit code 255: pulumi preview --stack staging --non-interactive`, stderr, stdout].filter(Boolean).join("\n"));
    return createCommandError(new CommandResult("", execa.message, -2, execa));
  };

  it("lists each of the CLI's error lines once", async () => {
    const error = mapAutomationError(
      await sdk("error: update failed\n", "Updating (staging)\n    error: aws:rds/instance:Instance resource 'db' has a problem: bad class\n"),
      ref,
    ) as DevctlError;
    expect(error.code).toBe("OPERATION_FAILED");
    expect(error.message).toBe("data/staging: error: update failed; error: aws:rds/instance:Instance resource 'db' has a problem: bad class");
  });

  it("names `pulumi cancel` (which clears a file backend's lock) for a held lock, not stack import (which needs the lock)", async () => {
    const error = mapAutomationError(
      await sdk(
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///repo/.devctl/state/.pulumi/locks/organization/platform-data/staging/1.json: created by root@ci (pid 4242) at 2026-11-30T01:00:00Z",
      ),
      ref,
    ) as DevctlError;
    expect(error.code).toBe("STACK_LOCKED");
    expect(error.suggestion).toContain("pulumi cancel --stack staging --yes");
    expect(error.suggestion).not.toContain("stack import");
  });

  it("turns an upstream stack without the output (exists, never deployed or emptied) into UPSTREAM_NOT_DEPLOYED", async () => {
    const stdout =
      "Previewing update (staging):\n    error: Running program '/repo/stacks/data' failed with an unhandled exception:\n    Error: Required output 'vpcId' does not exist on stack 'organization/platform-network/staging'.\n";
    const error = mapAutomationError(await sdk("error: preview failed\n", stdout), ref) as DevctlError;
    expect(error.code).toBe("UPSTREAM_NOT_DEPLOYED");
    expect(error.message).toContain("network");
    expect(error.suggestion).toBe("run devctl up staging --layer network first");
  });

  it("names a lost stack-creation race instead of an unmapped StackAlreadyExistsError", async () => {
    const error = await sdk("error: stack 'staging' already exists\n");
    expect(error.name).toBe("StackAlreadyExistsError");
    const mapped = mapAutomationError(error, ref) as DevctlError;
    expect(mapped.code).toBe("STACK_LOCKED");
    expect(mapped.message).toContain("created by another devctl or pulumi process");
  });
});

/**
 * test/fixtures/engine-events/policy-preview-*.jsonl: recorded from the real CLI (3.274.1, file backend, the
 * Node.js language host) previewing a one-resource program with a pack of a mandatory rule
 * (security-group-ingress, on resources named open-*), an advisory resource rule and an advisory stack rule.
 */
const recorded = (file: string): never[] =>
  fs
    .readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "engine-events", file), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as never);

describe("engine events", () => {
  const pre = (op: string, type: string, name: string, extra: Record<string, unknown> = {}) => ({
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: { metadata: { op, type, urn: `urn:pulumi:staging::platform-data::${type}::${name}`, provider: "", ...extra } },
  });

  it("counts a replacement's create and delete halves once and streams a line per step", () => {
    const lines: string[] = [];
    const collector = new StepCollector((line) => lines.push(line));
    for (const event of [
      pre("same", "pulumi:pulumi:Stack", "platform-data-staging"),
      pre("create-replacement", "aws:rds/instance:Instance", "db", { diffs: ["engineVersion"] }),
      pre("replace", "aws:rds/instance:Instance", "db"),
      pre("delete-replaced", "aws:rds/instance:Instance", "db"),
      pre("same", "aws:kms/key:Key", "key"),
      pre("create", "aws:iam/role:Role", "role", {
        new: { type: "aws:iam/role:Role", urn: "u", id: "", parent: "", inputs: { name: "r" }, outputs: {}, provider: "" },
      }),
    ]) {
      collector.onEvent(event as never);
    }
    expect(collector.steps().map((s) => `${s.op} ${s.name}`)).toEqual(["replace db", "create role"]);
    expect(collector.steps()[0]!.diffs).toEqual(["engineVersion"]);
    expect(collector.steps()[1]!.newInputs).toEqual({ name: "r" });
    expect(collector.same).toBe(1);
    expect(lines).toEqual(["replace aws:rds/instance:Instance db", "create aws:iam/role:Role role"]);
  });

  // A refresh as the engine streams it (pkg/engine, and seen from the 3.274 CLI with a file backend): the
  // pre-event carries op "refresh" with new = old; the outputs event carries RefreshStep.ResultOp(), `new: null`
  // for a resource gone from the cloud, and `detailedDiff: null` with no `diffs` when the provider's read
  // reports none, so the changed keys come from comparing the outputs.
  const state = (type: string, name: string, outputs: Record<string, unknown>) => ({
    type,
    urn: `urn:pulumi:staging::platform-data::${type}::${name}`,
    custom: true,
    id: `${name}-id`,
    parent: "urn:pulumi:staging::platform-data::pulumi:pulumi:Stack::platform-data-staging",
    inputs: {},
    outputs,
    provider: "urn:pulumi:staging::platform-data::pulumi:providers:aws::default_7_48_0::id",
  });
  const refreshPair = (type: string, name: string, result: "same" | "update" | "delete", before: Record<string, unknown>, after: Record<string, unknown>) => {
    const urn = `urn:pulumi:staging::platform-data::${type}::${name}`;
    const old = state(type, name, before);
    return [
      { sequence: 1, timestamp: 0, resourcePreEvent: { metadata: { op: "refresh", urn, type, old, new: old, provider: old.provider } } },
      {
        sequence: 2,
        timestamp: 0,
        resOutputsEvent: {
          metadata: {
            op: result,
            urn,
            type,
            old,
            new: result === "delete" ? null : state(type, name, after),
            detailedDiff: null,
            provider: old.provider,
          },
        },
      },
    ];
  };

  it("takes refresh results from the outputs events, not the pre-events", () => {
    const lines: string[] = [];
    const collector = new StepCollector((line) => lines.push(line), true);
    const events = [
      {
        sequence: 0,
        timestamp: 0,
        resourcePreEvent: {
          metadata: {
            op: "refresh",
            urn: "urn:pulumi:staging::platform-data::pulumi:pulumi:Stack::platform-data-staging",
            type: "pulumi:pulumi:Stack",
            provider: "",
          },
        },
      },
      ...refreshPair("aws:s3/bucket:Bucket", "assets", "update", { tags: { team: "a" }, arn: "x" }, { tags: { team: "b" }, arn: "x" }),
      ...refreshPair("aws:sqs/queue:Queue", "jobs", "delete", { name: "jobs" }, {}),
      ...refreshPair("aws:kms/key:Key", "key", "same", { arn: "k" }, { arn: "k" }),
    ];
    for (const event of events) collector.onEvent(event as never);
    expect(collector.steps().map((s) => `${s.op} ${s.name} ${(s.diffs ?? []).join(",")}`.trim())).toEqual(["update assets tags", "delete jobs"]);
    expect(collector.same).toBe(1);
    expect(lines).toEqual(["drift: update aws:s3/bucket:Bucket assets (tags)", "drift: delete aws:sqs/queue:Queue jobs (gone from the cloud)"]);
  });

  it("finds the drift in a refresh-preview recorded from the real CLI (3.274.1, file backend)", () => {
    // test/fixtures/engine-events/refresh-preview.jsonl: three dynamic resources after `up`; then one's cloud
    // copy changed its tag and another's was deleted (the provider's code is left out of the recording).
    const events = fs
      .readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "engine-events", "refresh-preview.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as never);
    const collector = new StepCollector(undefined, true);
    for (const event of events) collector.onEvent(event);
    expect(
      collector
        .steps()
        .map((s) => `${s.op} ${s.name} ${(s.diffs ?? []).join(",")}`.trim())
        .sort(),
    ).toEqual(["delete gone", "update drifts tag"]);
    expect(collector.same).toBe(1);
  });

  it("collects the policy findings of a real preview, each naming the rule, its level and the resource", () => {
    const lines: string[] = [];
    const collector = new StepCollector((line) => lines.push(line));
    for (const event of recorded("policy-preview-mandatory.jsonl")) collector.onEvent(event);
    expect(collector.violations.map(violationLine)).toEqual([
      "[advisory] required-tags: pulumi:pulumi:Stack policy-check-check: Resources carry tags. missing tag owner",
      "[mandatory] security-group-ingress: aws:ec2/securityGroup:SecurityGroup open-ssh: No SSH from anywhere. ingress 22 from 0.0.0.0/0 on open-ssh",
      "[advisory] required-tags: aws:ec2/securityGroup:SecurityGroup open-ssh: Resources carry tags. missing tag owner",
      "[advisory] stack-level: pulumi:pulumi:Stack policy-check-check: A stack check. stack-wide advice",
    ]);
    expect(collector.violations[1]).toMatchObject({ pack: "platform", urn: "urn:pulumi:check::policy-check::aws:ec2/securityGroup:SecurityGroup::open-ssh" });
    expect(lines).toContain(
      "policy [mandatory] security-group-ingress: aws:ec2/securityGroup:SecurityGroup open-ssh: No SSH from anywhere. ingress 22 from 0.0.0.0/0 on open-ssh",
    );
  });

  it("reads a nested resource's type from its URN's last parent$type segment", () => {
    expect(resourceOfUrn("urn:pulumi:staging::platform-network::platform:network:Vpc$aws:ec2/securityGroup:SecurityGroup::alb")).toEqual({
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "alb",
    });
  });

  it("normalises engine ops and hides secret outputs", () => {
    expect(["create", "delete-replaced", "discard", "update", "read-replacement"].map(normaliseOp)).toEqual([
      "create",
      "replace",
      "delete",
      "update",
      "replace",
    ]);
    expect(plainOutputs({ url: { value: "https://x", secret: false }, token: { value: "s3cr3t", secret: true } })).toEqual({
      url: "https://x",
      token: "[secret]",
    });
  });
});

describe("stack history", () => {
  /** `pulumi stack history --json` of a file backend: newest first, every version 0, paged like diyBackend.getHistory. */
  const fileBackend = (count: number, version = (_i: number) => 0) => {
    const all = Array.from({ length: count }, (_, i) => ({
      version: version(count - i),
      kind: "update" as const,
      result: "succeeded" as const,
      startTime: new Date(Date.UTC(2026, 0, 1) + (count - i) * 60_000),
      endTime: new Date(Date.UTC(2026, 0, 1) + (count - i) * 60_000 + 30_000),
      message: `update ${count - i}`,
      environment: {},
      config: { "platform-compute:image": { value: `repo@sha256:${String(count - i).padStart(64, "0")}`, secret: false } },
    }));
    const calls: string[] = [];
    return {
      calls,
      history: (pageSize?: number, page?: number, showSecrets?: boolean) => {
        calls.push(`${pageSize ?? "-"}/${page ?? "-"}/${String(showSecrets)}`);
        // The CLI's own default when the SDK passes no page size: 10.
        const size = pageSize ?? 10;
        const start = ((page ?? 1) - 1) * size;
        return Promise.resolve(all.slice(start, start + size));
      },
    };
  };

  it("reads every page when no limit is asked for, secrets kept encrypted", async () => {
    const source = fileBackend(HISTORY_PAGE_SIZE + 23);
    const history = await readHistory(source);
    expect(history).toHaveLength(HISTORY_PAGE_SIZE + 23);
    expect(source.calls).toEqual([`${HISTORY_PAGE_SIZE}/1/false`, `${HISTORY_PAGE_SIZE}/2/false`]);
  });

  it("numbers a file backend's entries (version 0) from the full listing, oldest = 1", async () => {
    const history = await readHistory(fileBackend(12));
    expect(history.map((u) => u.version)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(history.find((u) => u.version === 4)?.message).toBe("update 4");
    const [newest] = await readHistory(fileBackend(12), 1);
    expect(newest).toMatchObject({ version: 12, message: "update 12" });
  });

  it("keeps the versions a backend sets and stops paging once a limit is met", async () => {
    const source = fileBackend(HISTORY_PAGE_SIZE * 3, (i) => i + 100);
    const history = await readHistory(source, 5);
    expect(history.map((u) => u.version)).toEqual([400, 399, 398, 397, 396]);
    expect(source.calls).toEqual([`${HISTORY_PAGE_SIZE}/1/false`]);
  });
});

describe("AutomationEngine against a fake Automation API", () => {
  const errorNamed = (name: string, text: string): Error => Object.assign(new Error(text), { name });
  /** A file-backend export: secrets as the state stores them (ciphertext), the stack resource and a provider. */
  const exported = (resources: { type: string }[]) => ({
    version: 3,
    deployment: {
      manifest: { time: "2026-11-30T01:00:00Z", magic: "x", version: "v3.270.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:abc:def" } },
      resources: [
        { urn: "urn:pulumi:staging::platform-data::pulumi:pulumi:Stack::platform-data-staging", custom: false, type: "pulumi:pulumi:Stack" },
        { urn: "urn:pulumi:staging::platform-data::pulumi:providers:aws::default", custom: true, type: "pulumi:providers:aws" },
        ...resources.map((r) => ({
          ...r,
          custom: true,
          outputs: { password: { [SIG_KEY]: SECRET_SIG, ciphertext: "v1:Zm9v:YmFy" } },
        })),
      ],
    },
  });

  const setup = (
    options: { exists?: boolean; resources?: { type: string }[]; createFails?: string; configFile?: string; events?: never[]; fails?: Error } = {},
  ) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "devctl-repo-"));
    fs.mkdirSync(path.join(root, "stacks", "data"), { recursive: true });
    const stackFile = path.join(root, "stacks", "data", "Pulumi.staging.yaml");
    if (options.configFile !== undefined) fs.writeFileSync(stackFile, options.configFile);
    const calls: string[] = [];
    let exists = options.exists ?? true;
    let seenConfig: string | undefined;
    let seenPath: string | undefined;
    const stack: StackHandle = {
      name: "staging",
      workspace: {
        removeStack: (name) => {
          calls.push(`removeStack ${name}`);
          exists = false;
          return Promise.resolve();
        },
      },
      preview: (opts) => {
        calls.push(`preview configFile=${opts.configFile ? "temp" : "none"}`);
        seenPath = opts.configFile;
        seenConfig = opts.configFile ? fs.readFileSync(opts.configFile, "utf8") : undefined;
        for (const event of options.events ?? []) opts.onEvent?.(event);
        return options.fails ? Promise.reject(options.fails) : Promise.resolve({});
      },
      previewRefresh: () => Promise.resolve({}),
      up: (opts) => {
        for (const event of options.events ?? []) opts.onEvent?.(event);
        return options.fails ? Promise.reject(options.fails) : Promise.resolve({ outputs: {} });
      },
      destroy: () => Promise.resolve({}),
      outputs: () => {
        calls.push("outputs");
        return Promise.resolve({});
      },
      history: () => Promise.resolve([]),
      getAllConfig: () => Promise.resolve({}),
      setConfig: (key) => {
        calls.push(`setConfig ${key}`);
        return Promise.resolve();
      },
      removeConfig: (key) => {
        calls.push(`removeConfig ${key}`);
        return Promise.resolve();
      },
    };
    const backend: AutomationBackend = {
      selectStack: () => {
        calls.push("select");
        return exists ? Promise.resolve(stack) : Promise.reject(errorNamed("StackNotFoundError", "error: no stack named 'staging' found"));
      },
      createStack: () => {
        calls.push("create");
        if (options.createFails) {
          exists = true;
          return Promise.reject(errorNamed(options.createFails, "error: stack 'staging' already exists"));
        }
        exists = true;
        return Promise.resolve(stack);
      },
      runCli: (args) => {
        calls.push(`pulumi ${args.join(" ")}`);
        return Promise.resolve(JSON.stringify(exported(options.resources ?? [])));
      },
    };
    const settings = automationSettings({ PULUMI_CONFIG_PASSPHRASE: "x", DEVCTL_POLICY_PACKS: "none" }, root);
    return { engine: new AutomationEngine(settings, undefined, backend), calls, stackFile, seenConfig: () => seenConfig, seenPath: () => seenPath };
  };

  it("previews from a temporary config file: the checkout's file is never edited, the overrides never set on the stack", async () => {
    const file =
      "secretsprovider: awskms://alias/pulumi\nencryptedkey: AQICAH\nconfig:\n  platform-compute:image: repo@sha256:old\n  platform-compute:token:\n    secure: v1:abc\n";
    const t = setup({ configFile: file });
    await t.engine.preview(ref, { configOverrides: { "platform-compute:image": "repo@sha256:new" } });
    expect(t.calls).toEqual(["select", "preview configFile=temp"]);
    expect(fs.readFileSync(t.stackFile, "utf8")).toBe(file);
    expect(t.seenConfig()).toContain("platform-compute:image: repo@sha256:new");
    expect(t.seenConfig()).toContain("secretsprovider: awskms://alias/pulumi");
    expect(t.seenConfig()).toContain("secure: v1:abc");
    expect(fs.existsSync(t.seenPath() ?? "")).toBe(false);
  });

  it("writes a preview's config file for every starting point: no file, no config block, a pin to remove", () => {
    const image = "platform-compute:image";
    expect(previewConfig(undefined, { [image]: null })).toBe("{}\n");
    expect(previewConfig(undefined, { [image]: "repo@sha256:a" })).toContain("platform-compute:image: repo@sha256:a");
    expect(previewConfig("encryptionsalt: v1:x\n", { [image]: "repo@sha256:a" })).toBe(
      "encryptionsalt: v1:x\nconfig:\n  platform-compute:image: repo@sha256:a\n",
    );
    expect(previewConfig('config:\n  platform-compute:image: repo@sha256:a\n  platform-compute:debug: "true"\n', { [image]: null })).toBe(
      'config:\n  platform-compute:debug: "true"\n',
    );
    expect(() => previewConfig("config: [", {})).toThrow(/not valid YAML/);
  });

  /** What the SDK rejects with when the CLI exits 1 after a policy failure: the CLI's output, no rule named. */
  const previewFailed = (): Error => errorNamed("CommandError", "code: 1\n stdout: \n stderr: error: preview failed\n");

  it("turns a preview the policy pack stopped into POLICY_VIOLATION naming each mandatory rule and resource", async () => {
    const t = setup({ events: recorded("policy-preview-mandatory.jsonl"), fails: previewFailed() });
    const error = (await t.engine.preview(ref).catch((e: unknown) => e)) as DevctlError;
    expect(error.code).toBe("POLICY_VIOLATION");
    expect(error.exitCode).toBe(ExitCode.Failure);
    expect(error.message).toBe(
      "1 mandatory policy violation in data/staging: security-group-ingress\n" +
        "  [mandatory] security-group-ingress: aws:ec2/securityGroup:SecurityGroup open-ssh: No SSH from anywhere. ingress 22 from 0.0.0.0/0 on open-ssh",
    );
    expect(error.suggestion).toContain("policy/src/rules/");
    expect(error.suggestion).toContain("devctl plan staging");
  });

  it("turns an update the policy pack stopped into POLICY_VIOLATION too", async () => {
    const t = setup({ events: recorded("policy-preview-mandatory.jsonl"), fails: previewFailed() });
    await expect(t.engine.up(ref)).rejects.toMatchObject({ code: "POLICY_VIOLATION", message: expect.stringContaining("open-ssh") as unknown });
  });

  it("reports a passing run's advisory findings, and maps a failure without a mandatory one as before", async () => {
    const passed = await setup({ events: recorded("policy-preview-advisory.jsonl") }).engine.preview(ref);
    expect(passed.violations?.map((v) => `${v.level} ${v.policy} ${v.name}`)).toEqual([
      "advisory required-tags policy-check-check",
      "advisory required-tags fine",
      "advisory stack-level policy-check-check",
    ]);
    const advisoryOnly = recorded("policy-preview-advisory.jsonl");
    await expect(setup({ events: advisoryOnly, fails: previewFailed() }).engine.preview(ref)).rejects.toMatchObject({ code: "OPERATION_FAILED" });
  });

  it("a preview of a never-deployed layer leaves no stack behind", async () => {
    const t = setup({ exists: false });
    await t.engine.preview(ref);
    expect(t.calls).toEqual(["select", "create", "preview configFile=temp", "removeStack staging"]);
  });

  it("uses the stack another process created between select and create", async () => {
    const t = setup({ exists: false, createFails: "StackAlreadyExistsError" });
    await t.engine.up(ref);
    expect(t.calls).toEqual(["select", "create", "select"]);
  });

  it("never creates a stack to check drift of or destroy it", async () => {
    const t = setup({ exists: false });
    await expect(t.engine.previewRefresh(ref)).rejects.toMatchObject({
      code: "OPERATION_FAILED",
      message: "cannot check drift of data/staging: the stack does not exist (never deployed)",
    });
    await expect(t.engine.destroy(ref)).rejects.toMatchObject({ suggestion: "deploy it first: devctl up staging --layer data" });
    expect(t.calls).not.toContain("create");
  });

  it("decides deployment by the state's resources, not by outputs", async () => {
    expect(await setup({ resources: [{ type: "aws:rds/instance:Instance" }] }).engine.isDeployed(ref)).toBe(true);
    const emptied = setup({ resources: [] });
    expect(await emptied.engine.isDeployed(ref)).toBe(false);
    expect(emptied.calls).not.toContain("outputs");
    expect(await setup({ exists: false }).engine.isDeployed(ref)).toBe(false);
    expect(stateHasResources({ deployment: { resources: [{ type: "pulumi:pulumi:Stack", outputs: { vpcId: "vpc-1" } }] } })).toBe(true);
    expect(stateHasResources({ deployment: { resources: [{ type: "pulumi:pulumi:Stack", outputs: {} }, { type: "pulumi:providers:aws" }] } })).toBe(false);
    expect(stateHasResources({ version: 3, deployment: { manifest: {} } })).toBe(false);
  });

  it("exports state for backups with secrets kept encrypted (no --show-secrets)", async () => {
    const t = setup({ resources: [{ type: "aws:rds/instance:Instance" }] });
    const state = await t.engine.exportState(ref);
    expect(t.calls).toContain("pulumi stack export");
    expect(t.calls.some((c) => c.includes("--show-secrets"))).toBe(false);
    expect(JSON.stringify(state)).toContain('"ciphertext":"v1:Zm9v:YmFy"');
  });
});
