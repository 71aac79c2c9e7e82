import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");

/** A workflow file: its path relative to the repository, its text and its parsed YAML. */
export interface WorkflowFile {
  readonly file: string;
  readonly text: string;
  readonly doc: Workflow;
}

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string; url?: string };
  concurrency?: { group: string; "cancel-in-progress"?: boolean | string; queue?: string };
  permissions?: Record<string, string> | string;
  strategy?: { matrix?: Record<string, unknown> };
  services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[] }>;
  container?: string | { image: string };
  env?: Record<string, string>;
  steps?: Step[];
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean | string; queue?: string };
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export function workflowFiles(): WorkflowFile[] {
  return fs
    .readdirSync(WORKFLOW_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const full = path.join(WORKFLOW_DIR, f);
      const text = fs.readFileSync(full, "utf8");
      return { file: path.relative(REPO_ROOT, full), text, doc: parse(text) as Workflow };
    });
}

export function workflow(name: string): Workflow {
  const found = workflowFiles().find((w) => path.basename(w.file) === name);
  if (!found) throw new Error(`.github/workflows/${name} is missing`);
  return found.doc;
}

/** Every step of every job, with where it lives. */
export function allSteps(files: readonly WorkflowFile[] = workflowFiles()): { file: string; job: string; step: Step }[] {
  return files.flatMap((w) => Object.entries(w.doc.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ file: w.file, job, step }))));
}

/** Shell scripts of the repository: .ci/run and every *.sh outside node_modules. */
export function shellScripts(): string[] {
  const found = [".ci/run"].filter((f) => fs.existsSync(path.join(REPO_ROOT, f)));
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === ".git" || entry.name === "dist" || entry.name === ".devctl") continue;
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".sh")) found.push(rel);
    }
  };
  walk(".");
  return found.map((f) => path.normalize(f)).sort();
}
