import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { StackRef } from "../engine/engine";
import type { Io } from "../io";
import type { Services } from "../services/services";

/** A state export taken before devctl changes a stack. */
export interface StateBackup {
  readonly file: string;
  /** Start of the stack's newest update when the export was taken; undefined when it had none. */
  readonly newestUpdate?: number;
}

/**
 * Saves `pulumi stack export` of a layer (secrets stay ciphertext, as in the state) under
 * <stateDir>/backups/<env>/<layer>-<timestamp>.json, so a bad update can be undone with `pulumi stack import`.
 */
export async function backupStack(services: Services, ref: StackRef): Promise<StateBackup> {
  const [newest] = await services.engine.history(ref, 1);
  const state = await services.engine.exportState(ref);
  const folder = path.join(services.stateDir, "backups", ref.environment);
  await fs.mkdir(folder, { recursive: true });
  const stamp = services.now().toISOString().replace(/[:.]/g, "-");
  const file = path.join(folder, `${ref.layer}-${stamp}.json`);
  await fs.writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return { file, newestUpdate: newest?.startTime.getTime() };
}

/**
 * Backs the stack up, runs one update of it, and makes sure the backup is the state that update started
 * from. `pulumi stack export` takes no lock, so another update can run between the export and ours: then the
 * update before ours in the history is not the one that was newest at export time, and the backup is
 * renamed *.stale.json. When ours found the stack locked, the export may be another update's half-written
 * state and nothing of ours followed it: it is deleted. Returns the backup file (as kept) with the result.
 */
export async function withBackup<T>(services: Services, io: Io, ref: StackRef, update: () => Promise<T>): Promise<{ result: T; backup: string }> {
  const backup = await backupStack(services, ref);
  const label = `${ref.environment}/${ref.layer}`;
  io.err(`saved ${label} state to ${backup.file}`);
  let result: T;
  try {
    result = await update();
  } catch (error) {
    if ((error as { code?: unknown }).code === "STACK_LOCKED") {
      await fs.rm(backup.file, { force: true });
      io.err(`discarded the state export of ${label}: it was taken while another update held the stack`);
    } else {
      await settle(services, io, ref, backup);
    }
    throw error;
  }
  return { result, backup: await settle(services, io, ref, backup) };
}

async function settle(services: Services, io: Io, ref: StackRef, backup: StateBackup): Promise<string> {
  const [latest, before] = await services.engine.history(ref, 2);
  // Ours is the newest entry now (or, when it failed before starting, nothing new was recorded at all).
  if (before?.startTime.getTime() === backup.newestUpdate || latest?.startTime.getTime() === backup.newestUpdate) return backup.file;
  const stale = backup.file.replace(/\.json$/, ".stale.json");
  await fs.rename(backup.file, stale);
  io.err(
    `warning: another update of ${ref.environment}/${ref.layer} ran between the state export and this update; ${stale} is not the state this update started from (the backend's own history has it)`,
  );
  return stale;
}
