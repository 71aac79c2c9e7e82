import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { typecheckLikeTsNode } from "./support/typecheck-like-ts-node";

const ROOT = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tc-like-ts-node-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
// Parsed options as ts-node reports them (lib as file names); no @types so the programs stay tiny.
const base = { target: 7, module: 199, moduleResolution: 99, lib: ["lib.es2023.d.ts"], types: [] };

describe("typecheckLikeTsNode: the single type check of the runtime test", () => {
  it("checks each load with its own options: strict where the project is strict, not where it is not", () => {
    const implicitAny = "export function f(x) { return x; }\n";
    const strict = file("strict.ts", implicitAny);
    const loose = file("loose.ts", implicitAny);
    const messages = typecheckLikeTsNode(ROOT, [
      { options: { ...base, strict: true, rootDir: path.join(dir, "a"), configFilePath: path.join(dir, "a", "tsconfig.json") }, files: [strict] },
      { options: { ...base }, files: [loose] },
    ]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/strict\.ts.*TS7006/);
  });

  it("loads that differ only in where their config and output live share one program, and every file is checked", () => {
    const one = file("one.ts", "export const a: number = 'one';\n");
    const two = file("two.ts", "export const b: string = 2;\n");
    const messages = typecheckLikeTsNode(ROOT, [
      { options: { ...base, strict: true, rootDir: path.join(dir, "one"), outDir: path.join(dir, "one", ".ts-node") }, files: [one] },
      { options: { ...base, strict: true, rootDir: path.join(dir, "two"), outDir: path.join(dir, "two", ".ts-node") }, files: [two] },
    ]);
    expect(messages.map((m) => path.basename(m.split("(")[0] ?? ""))).toEqual(["one.ts", "two.ts"]);
  });

  it("reports syntax errors too, as ts-node does", () => {
    const broken = file("broken.ts", "export const = 1;\n");
    const messages = typecheckLikeTsNode(ROOT, [{ options: base, files: [broken] }]);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages[0]).toMatch(/broken\.ts.*error TS1\d{3}/);
  });
});
