/** Types for build.mjs (plain ESM so `pnpm build` runs it with node directly). */
export declare const BUDGET_BYTES: number;
export declare function buildWebPage(outDir?: string): Promise<{ script: string; style: string; gzipBytes: number; inputs: string[] }>;
