import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_BY_CODE } from "./errors";

describe("devctl error codes", () => {
  it("cli/README.md lists every code with its exit code, and no other", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const documented = Object.fromEntries([...readme.matchAll(/^\| `([A-Z_]+)` \| (\d) \|/gm)].map(([, code, exit]) => [code, Number(exit)]));
    expect(documented).toEqual(EXIT_BY_CODE);
  });
});
