import { expect, it } from "vitest";
import { dataLayerSuite, TYPES } from "./data-layer-suite";

dataLayerSuite("staging", (run) => {
  it("is small: single-AZ database without deletion protection, one Redis node without failover", () => {
    const db = run().recorder.one(TYPES.instance).inputs;
    expect(db.multiAz).toBe(false);
    expect(db.deletionProtection).toBe(false);
    const rg = run().recorder.one(TYPES.replicationGroup).inputs;
    expect(rg.numCacheClusters).toBe(1);
    expect(rg.automaticFailoverEnabled).toBe(false);
    expect(rg.multiAzEnabled).toBe(false);
  });

  it("does not replicate backups to the DR region and creates no DR provider or key", () => {
    expect(run().recorder.ofType(TYPES.backupReplication)).toEqual([]);
    expect(run().recorder.ofType(TYPES.kmsKey)).toEqual([]);
    expect(
      run()
        .recorder.ofType(TYPES.provider)
        .map((p) => p.name),
    ).toEqual(["aws"]);
  });

  it("leaves staging resources unprotected so the environment can be torn down", () => {
    expect(run().options.get(`${TYPES.instance}::postgres`)?.protect).toBe(false);
  });

  it("samples enhanced monitoring every 60 s", () => {
    expect(run().recorder.one(TYPES.instance).inputs.monitoringInterval).toBe(60);
  });
});
