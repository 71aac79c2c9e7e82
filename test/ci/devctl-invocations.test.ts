import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allSteps, REPO_ROOT } from "./workflow-files";

// Every `pnpm devctl …` line of the workflows must name a devctl command and only flags that command has,
// so renaming a flag in the CLI breaks this test instead of a user's deploy.

/** The part of a commander Command this test reads (commander is the CLI's dependency, not the root's). */
interface Command {
  name(): string;
  readonly options: readonly { readonly long?: string }[];
  readonly commands: readonly Command[];
}

interface Invocation {
  readonly where: string;
  readonly command: string;
  readonly flags: readonly string[];
}

/** Splits a shell line into words, keeping quoted strings and ${{ }} expressions whole. */
function words(line: string): string[] {
  return [...line.matchAll(/"[^"]*"|'[^']*'|\$\{\{.*?\}\}|\S+/g)].map((m) => m[0]);
}

/** devctl commands that only group subcommands. */
const GROUPS = new Set(["dr"]);

function invocations(): Invocation[] {
  const found: Invocation[] = [];
  for (const { file, job, step } of allSteps()) {
    for (const line of (step.run ?? "").split("\n")) {
      const match = /pnpm(?: --silent)? devctl (.*)$/.exec(line.trim());
      if (!match) continue;
      const [first = "", ...afterFirst] = words(match[1]!.replace(/\s*[|>&].*$/, ""));
      // A command group (devctl dr …) names its subcommand next.
      const [command, rest] = GROUPS.has(first) ? [`${first} ${afterFirst[0] ?? ""}`, afterFirst.slice(1)] : [first, afterFirst];
      const flags = rest.filter((w) => w.startsWith("--")).map((w) => w.split("=")[0]!);
      found.push({ where: `${file} ${job}`, command, flags });
    }
  }
  return found;
}

async function devctlCommands(): Promise<readonly Command[]> {
  // Loaded by path: the repo tests' TypeScript project does not include the CLI's sources.
  const main = (await import(path.join(REPO_ROOT, "cli", "src", "main.ts"))) as {
    buildProgram(context: { io: unknown }): Command;
  };
  const io = { out: () => undefined, err: () => undefined, interactive: false, ask: () => Promise.resolve(""), env: {} };
  return main.buildProgram({ io }).commands;
}

describe("devctl invocations in the workflows", () => {
  const all = invocations();

  it("finds them", () => {
    expect(new Set(all.map((i) => i.command))).toEqual(new Set(["plan", "preview", "up", "smoke", "promote", "rollback", "drift", "dr drill"]));
  });

  it.for(all.map((i) => [`${i.where}: devctl ${i.command} ${i.flags.join(" ")}`, i] as const))("%s", async ([, invocation], context) => {
    const commands = await devctlCommands();
    const [name, sub] = invocation.command.split(" ");
    const group = commands.find((c) => c.name() === name);
    const command = sub === undefined ? group : group?.commands.find((c) => c.name() === sub);
    if (!command) return context.skip(`devctl ${invocation.command} is not registered in cli/src/main.ts yet`);
    const known = new Set(command.options.map((o) => o.long));
    expect(
      invocation.flags.filter((f) => !known.has(f)),
      `flags devctl ${invocation.command} does not have`,
    ).toEqual([]);
  });
});
