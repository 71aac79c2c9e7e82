import { parse } from "yaml";
import type { Job, Step, Workflow } from "./workflow-files";

/**
 * A small audit of the pipeline's trust boundaries, in the spirit of zizmor's audits (unpinned-uses,
 * artipacked, cache-poisoning, excessive-permissions, bot-conditions) but stricter where this repository
 * promises more (docs/ci-cd.md): no cache restore in any credentialed job, no job-level secret, an OIDC
 * token only with an environment. It needs nothing beyond Node; zizmor.test.ts runs zizmor when installed.
 */
export type Rule =
  | "unpinned-uses"
  | "unpinned-image"
  | "checkout-persists-credentials"
  | "job-level-secret"
  | "cache-in-credentialed-job"
  | "id-token-without-environment"
  | "actor-bot-check";

export interface Finding {
  readonly rule: Rule;
  /** `<file>` or `<file> <job>`, plus the step's name or action when there is one. */
  readonly where: string;
  readonly message: string;
}

const FULL_SHA = /^[^@\s]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+\.\d+\.\d+\b/;
const IMAGE_DIGEST = /@sha256:[0-9a-f]{64}$/;
const SECRET_REFERENCE = /\bsecrets\.(?!GITHUB_TOKEN\b)[A-Za-z_][A-Za-z0-9_]*/;

/** Audits one workflow file's text; an empty list means it keeps every rule. */
export function auditWorkflow(file: string, text: string): Finding[] {
  const doc = parse(text) as Workflow;
  return [...pinnedUses(file, text), ...workflowLevel(file, doc), ...Object.entries(doc.jobs ?? {}).flatMap(([id, job]) => auditJob(`${file} ${id}`, job))];
}

/**
 * Checked on the text, not the parsed YAML, because the release comment (`# v5.1.0`) is what tells a
 * reviewer which version a SHA is, and the parser drops comments.
 */
function pinnedUses(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  text.split("\n").forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
    if (!match) return;
    const target = match[1]!;
    const where = `${file}:${index + 1}`;
    if (target.startsWith("./")) return;
    if (target.startsWith("docker://")) {
      if (!IMAGE_DIGEST.test(target)) findings.push({ rule: "unpinned-uses", where, message: `${target} is not pinned by digest (docker://image@sha256:…)` });
      return;
    }
    if (!FULL_SHA.test(target)) {
      findings.push({ rule: "unpinned-uses", where, message: `${target} is not pinned to a full commit SHA; use owner/repo@<40-hex SHA> # vX.Y.Z` });
    } else if (!VERSION_COMMENT.test(match[2] ?? "")) {
      findings.push({ rule: "unpinned-uses", where, message: `${target} has no "# vX.Y.Z" comment naming the release its SHA is` });
    }
  });
  return findings;
}

function workflowLevel(file: string, doc: Workflow): Finding[] {
  const findings: Finding[] = [];
  for (const [name, value] of Object.entries(doc.env ?? {})) {
    if (SECRET_REFERENCE.test(String(value))) {
      findings.push({ rule: "job-level-secret", where: file, message: `workflow env ${name} holds a secret; pass it to the step that uses it` });
    }
  }
  if (grantsIdToken(doc.permissions)) {
    findings.push({
      rule: "id-token-without-environment",
      where: file,
      message: "id-token: write at the workflow level reaches every job; grant it on a job that names an environment",
    });
  }
  return findings;
}

function auditJob(where: string, job: Job): Finding[] {
  const findings: Finding[] = [];
  const steps = job.steps ?? [];
  const stepWhere = (step: Step) => `${where} (${step.name ?? step.uses ?? "run"})`;

  for (const image of [
    ...Object.values(job.services ?? {}).map((s) => s.image),
    ...(job.container ? [typeof job.container === "string" ? job.container : job.container.image] : []),
  ]) {
    if (!IMAGE_DIGEST.test(image)) findings.push({ rule: "unpinned-image", where, message: `${image} is not pinned by digest (image:tag@sha256:…)` });
  }

  for (const step of steps.filter((s) => actionName(s.uses) === "actions/checkout")) {
    const persist = step.with?.["persist-credentials"];
    if (persist !== false && persist !== "false") {
      findings.push({
        rule: "checkout-persists-credentials",
        where: stepWhere(step),
        message: "actions/checkout keeps the token in .git/config; set persist-credentials: false",
      });
    }
  }

  for (const [name, value] of Object.entries(job.env ?? {})) {
    if (SECRET_REFERENCE.test(String(value))) {
      findings.push({
        rule: "job-level-secret",
        where,
        message: `job env ${name} holds a secret, so every step (and every action) sees it; pass it to the step that uses it`,
      });
    }
  }

  if (isCredentialed(job)) {
    for (const step of steps) {
      const cache = restoresCache(step);
      if (cache)
        findings.push({
          rule: "cache-in-credentialed-job",
          where: stepWhere(step),
          message: `${cache} in a job that holds credentials: any branch can write a cache, so it can plant code here`,
        });
    }
  }

  if (grantsIdToken(job.permissions) && job.environment === undefined) {
    findings.push({
      rule: "id-token-without-environment",
      where,
      message: "id-token: write without an environment: the OIDC subject is then a branch or pull_request, which no environment rule protects",
    });
  }

  for (const condition of [job.if, ...steps.map((s) => s.if)]) {
    if (typeof condition === "string" && /github\.actor\b[^&|]*\[bot\]/.test(condition)) {
      findings.push({
        rule: "actor-bot-check",
        where,
        message:
          "github.actor is whoever triggered the run (a re-run by a human, or a bot pushing on a human's branch); check github.event.pull_request.user.login",
      });
    }
  }
  return findings;
}

/** owner/repo[/path] of a `uses:`, without the ref. */
function actionName(uses: string | undefined): string | undefined {
  return uses?.split("@")[0];
}

function grantsIdToken(permissions: Job["permissions"]): boolean {
  if (permissions === "write-all") return true;
  return typeof permissions === "object" && permissions["id-token"] === "write";
}

/** Holds something worth stealing: an environment's secrets, an OIDC token, a writing GITHUB_TOKEN or a secret. */
export function isCredentialed(job: Job): boolean {
  if (job.environment !== undefined) return true;
  if (job.permissions === "write-all") return true;
  if (typeof job.permissions === "object" && Object.values(job.permissions).includes("write")) return true;
  return (job.steps ?? []).some((step) => SECRET_REFERENCE.test(JSON.stringify([step.env ?? {}, step.with ?? {}, step.run ?? ""])));
}

/** Why a step restores a cache, or undefined. Counts the actions that cache by default, not only on request. */
export function restoresCache(step: Step): string | undefined {
  const action = actionName(step.uses);
  if (!action) return undefined;
  const input = (name: string) => step.with?.[name];
  const off = (value: unknown) => value === false || value === "false";
  if (action === "actions/cache" || action === "actions/cache/restore") return action;
  if (input("cache") !== undefined && input("cache") !== "" && !off(input("cache"))) return `${action} with cache: ${String(input("cache"))}`;
  // setup-node v5 caches on its own when package.json has a packageManager field (this repository's does).
  if (action === "actions/setup-node" && !off(input("package-manager-cache"))) return "actions/setup-node without package-manager-cache: false";
  if (action === "docker/setup-buildx-action" && !off(input("cache-binary"))) return "docker/setup-buildx-action without cache-binary: false";
  if (action === "actions/setup-go" && !off(input("cache"))) return "actions/setup-go (caches by default)";
  return undefined;
}
