import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { REPOSITORY_ROOT } from "../environment/load";

/**
 * A scratch repository root for tests of a shape no checked-in environment has (prod on EKS, a migration in
 * progress): the real Pulumi.yaml and Pulumi.<name>.yaml with `settings` laid over its config (keys as in the
 * file, e.g. `platform:computePlatform`). Load it with `{ rootDir }`; the caller removes it when it cares.
 */
export function environmentRootWith(name: string, settings: Readonly<Record<string, unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `env-${name}-`));
  fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const file = parse(fs.readFileSync(path.join(REPOSITORY_ROOT, `Pulumi.${name}.yaml`), "utf8")) as { config: Record<string, unknown> };
  Object.assign(file.config, settings);
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify(file));
  return dir;
}
