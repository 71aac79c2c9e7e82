import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { StackRef } from "../engine/engine";
import type { Services } from "../services/services";

/**
 * Saves `pulumi stack export` of a layer under <stateDir>/backups/<env>/<layer>-<timestamp>.json before
 * devctl changes it, so a bad update can be undone with `pulumi stack import`. Returns the file.
 */
export async function backupStack(services: Services, ref: StackRef): Promise<string> {
  const state = await services.engine.exportState(ref);
  const folder = path.join(services.stateDir, "backups", ref.environment);
  await fs.mkdir(folder, { recursive: true });
  const stamp = services.now().toISOString().replace(/[:.]/g, "-");
  const file = path.join(folder, `${ref.layer}-${stamp}.json`);
  await fs.writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return file;
}
