import { MIGRATION_PHASE_KEY } from "@platform/infra/environment";
import { DevctlError } from "../errors";
import type { StackRef } from "../engine/engine";
import { withBackup } from "./backup";
import { confirmProduction } from "./confirm";
import { prepare, printResult, progressFor, type ActionContext, type Action } from "./context";
import { alarmRefsOf } from "./promote";

/** The container platforms an environment can move between without downtime. */
export type MigrationPlatform = "ecs" | "eks";

export interface MigrateRequest {
  readonly to: MigrationPlatform;
  /** Undo the last phase instead of taking the next. */
  readonly back: boolean;
  readonly yes: boolean;
}

export interface MigrationReport {
  readonly environment: string;
  readonly from: string;
  readonly to: MigrationPlatform;
  /** Where the migration stands now. */
  readonly phase: "alongside" | "drained";
  /** The updates this run made, in order. */
  readonly steps: readonly { readonly phase: "alongside" | "drained"; readonly message: string }[];
  /** The change that takes the migration further, which devctl cannot make (a reviewed environment file). */
  readonly next: string;
}

/**
 * Moves an environment between ECS and EKS in phases the compute layer knows (see MigrationPhase):
 *  alongside: the environment file names computeMigrateTo; the new platform registers into the old one's target
 *    groups beside it. devctl (re)applies it and holds every alarm of the service OK for the bake time;
 *  drained: the old platform scales to zero, the new one serves alone; held OK for the bake time, else undone
 *    at once (alongside again) and reported as rolled back.
 * Removing the old platform is a reviewed change of the environment file (computePlatform, computeMigrateTo),
 * deployed with devctl up; `--back` undoes a drain. Each update takes a state backup first.
 */
export async function migrate(context: ActionContext, request: MigrateRequest): Promise<MigrationReport> {
  const { io, environment, services } = context;
  const from = environment.compute.platform;
  const file = `Pulumi.${environment.name}.yaml`;
  if (environment.compute.migrateTo !== request.to) {
    throw new DevctlError(
      "USAGE",
      from === request.to && environment.compute.migrateTo === "none"
        ? `${environment.name} already runs on ${request.to}`
        : `${environment.name} is not migrating to ${request.to} (computePlatform ${from}, computeMigrateTo ${environment.compute.migrateTo})`,
      `start a migration with a reviewed change to ${file}: computeMigrateTo: ${request.to}; deploy it (devctl up ${environment.name}) or run devctl migrate again`,
    );
  }
  const ref: StackRef = { environment: environment.name, layer: "compute" };
  const drained = (await services.engine.getConfig(ref, MIGRATION_PHASE_KEY)) === "drained";
  const command = `devctl migrate ${environment.name} --to ${request.to}${request.back ? " --back" : ""}`;
  const finish = `finish with a reviewed change to ${file}: computePlatform: ${request.to} and remove computeMigrateTo, then devctl up ${environment.name} (removes ${from}; the origin and its target groups are kept)`;
  const remove = `to end the migration, remove computeMigrateTo from ${file} and devctl up ${environment.name} (removes ${request.to})`;
  const steps: { phase: "alongside" | "drained"; message: string }[] = [];
  const report = (phase: "alongside" | "drained", next: string): MigrationReport => ({
    environment: environment.name,
    from,
    to: request.to,
    phase,
    steps,
    next,
  });

  if (request.back ? !drained : drained) {
    io.err(request.back ? `${environment.name}: ${from} serves beside ${request.to}; nothing to undo` : `${environment.name}: ${from} is drained already`);
    return report(drained ? "drained" : "alongside", request.back ? remove : finish);
  }
  await confirmProduction(environment, io, { yes: request.yes, action: `migrate (${request.back ? `bring ${from} back` : `move traffic to ${request.to}`})` });

  const apply = async (phase: "alongside" | "drained", message: string) => {
    if (phase === "drained") await services.engine.setConfig(ref, MIGRATION_PHASE_KEY, "drained");
    else await services.engine.removeConfig(ref, MIGRATION_PHASE_KEY);
    const { result } = await withBackup(services, io, ref, () =>
      services.engine.up(ref, { message, onProgress: progressFor(io, `${environment.name}/compute ${phase}`) }),
    );
    steps.push({ phase, message });
    return result.outputs;
  };
  const hold = async (outputs: Readonly<Record<string, unknown>>) => {
    const alarms = alarmRefsOf(outputs.alarms);
    const minutes = environment.deployment.bakeMinutes;
    io.err(`holding ${alarms.length} alarm(s) of ${environment.name} OK for ${minutes} minute(s)`);
    return services.soak.check({ alarms, minutes });
  };
  const problems = (lines: readonly string[]) => lines.map((p) => `  - ${p}`).join("\n");

  if (request.back) {
    const outputs = await apply("alongside", `${command}: ${from} serves again beside ${request.to}`);
    const soak = await hold(outputs);
    if (!soak.ok) io.err(`warning: alarms of ${environment.name} are not OK with both platforms serving:\n${problems(soak.problems)}`);
    return report("alongside", remove);
  }

  const alongside = await apply("alongside", `${command}: ${request.to} runs alongside ${from} in the same target groups`);
  const beside = await hold(alongside);
  if (!beside.ok) {
    throw new DevctlError(
      "OPERATION_FAILED",
      `${request.to} alongside ${from} did not stay healthy, so ${from} was not drained (both still serve):\n${problems(beside.problems)}`,
      `look at the alarms and the new platform's pods or tasks; fix and run ${command} again, or ${remove}`,
    );
  }
  const alone = await apply("drained", `${command}: ${from} drained, ${request.to} serves alone`);
  const after = await hold(alone);
  if (!after.ok) {
    await apply("alongside", `${command}: drain undone, ${from} serves beside ${request.to} again`);
    throw new DevctlError(
      "DEPLOYMENT_ROLLED_BACK",
      `${request.to} serving alone failed its alarms, so ${from} was brought back beside it:\n${problems(after.problems)}`,
      `look at the alarms and ${request.to}'s workload; fix and run ${command} again`,
    );
  }
  io.err(`${environment.name}: ${request.to} serves alone; ${from} runs no copies and can come back with ${command} --back`);
  return report("drained", finish);
}

export interface MigrateOptions extends MigrateRequest {
  readonly environment: string;
  readonly json: boolean;
}

export const runMigrate: Action<MigrateOptions> = async (options, context) => {
  const actionContext = await prepare(options.environment, context);
  const report = await migrate(actionContext, options);
  printResult(
    context.io,
    options.json,
    { command: "migrate", ...report },
    () =>
      `${report.environment}: ${report.phase === "drained" ? `${report.to} serves alone` : `${report.from} and ${report.to} serve together`}\nnext: ${report.next}\n`,
  );
};
