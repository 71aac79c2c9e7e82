import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Builds the page as `pnpm build` does, into a throwaway folder; returns the folder and the measured size. */
export async function buildPageForTest(): Promise<{ dir: string; script: string; gzipBytes: number; inputs: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "ledger-web-"));
  const { buildWebPage } = await import("../../web/build.mjs");
  const built = await buildWebPage(dir);
  return { dir, ...built };
}
