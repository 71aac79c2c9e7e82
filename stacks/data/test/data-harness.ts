/**
 * Runs the data program on the simulation (@platform/infra/testing) for the tests beside it: feeds the network
 * layer's outputs; endpoints, the RDS-managed secret and generated passwords come from the one table devctl
 * plan uses too. Nothing here creates cloud resources.
 */
import { type Environment } from "@platform/infra/environment";
import { FAKE_NETWORK_OUTPUTS, runLayerProgram, type LayerRun } from "@platform/infra/testing";
import type { DataProgramOptions } from "../src/program";

/** What the network layer answers with. */
export const NETWORK = FAKE_NETWORK_OUTPUTS;

export type DataRun = LayerRun;

/** Builds the data layer for an environment and waits until every resource is registered. */
export function runDataProgram(environment: Environment, programOptions: DataProgramOptions = {}): Promise<DataRun> {
  return runLayerProgram({
    project: "platform-data",
    stack: environment.name,
    upstream: { network: NETWORK },
    load: async () => {
      const { dataProgram } = await import("../src/program.js");
      return () => dataProgram(environment, programOptions);
    },
  });
}

/** A copy of an environment with some settings changed (environments are frozen). */
export function withChanges(
  environment: Environment,
  changes: { database?: Partial<Environment["database"]>; cache?: Partial<Environment["cache"]> },
): Environment {
  return {
    ...environment,
    database: { ...environment.database, ...changes.database },
    cache: { ...environment.cache, ...changes.cache },
  };
}
