import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { harness } from "../../test/memory-services";
import { stackLockedError } from "../engine/memory";
import { ExitCode } from "../errors";

const network = { environment: "staging", layer: "network" as const };
const backups = (stateDir: string): string[] => {
  const folder = path.join(stateDir, "backups", "staging");
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
};

describe("state backups are the state the update that follows started from", () => {
  it("keeps the export when no other update ran between it and ours", async () => {
    const h = harness();
    h.deploy("staging", "network");
    expect((await h.run(["up", "staging", "--layer", "network"])).code).toBe(ExitCode.Success);
    expect(backups(h.stateDir)).toEqual([expect.stringMatching(/^network-[^.]*\.json$/)]);
  });

  it("marks the export stale when another update landed between it and ours (`stack export` takes no lock)", async () => {
    const h = harness();
    h.deploy("staging", "network");
    const exportState = h.engine.exportState.bind(h.engine);
    h.engine.exportState = async (ref) => {
      const state = await exportState(ref);
      h.addHistory(ref, { message: "pulumi up by someone else" });
      return state;
    };
    const { code, stderr } = await h.run(["up", "staging", "--layer", "network"]);
    expect(code).toBe(ExitCode.Success);
    expect(backups(h.stateDir)).toEqual([expect.stringMatching(/^network-.*\.stale\.json$/)]);
    expect(stderr).toContain("another update of staging/network ran between the state export and this update");
  });

  it("discards the export when our update found the stack locked (it may be another update's half-written state)", async () => {
    const h = harness();
    h.deploy("staging", "network");
    h.engine.failures.set("up staging/network", stackLockedError(network));
    const { code, stderr } = await h.run(["up", "staging", "--layer", "network"]);
    expect(code).toBe(ExitCode.Failure);
    expect(backups(h.stateDir)).toEqual([]);
    expect(stderr).toContain("discarded the state export of staging/network");
  });
});
