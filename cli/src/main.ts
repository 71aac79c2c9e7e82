import { Command } from "commander";

/** Builds the devctl command tree. Commands are added by the devctl issue. */
export function buildProgram(): Command {
  return new Command("devctl").description("Preview, deploy, promote and roll back whole environments.");
}

/** Runs devctl with the given arguments and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  await buildProgram().parseAsync([...argv], { from: "user" });
  return 0;
}
