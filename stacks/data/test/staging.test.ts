import { expect, it } from "vitest";
import { dataLayerSuite, T } from "./data-layer-suite";

dataLayerSuite("staging", (run) => {
  it("is small: single-AZ database without deletion protection, one Redis node without failover", () => {
    const db = run().recorder.one(T.instance).inputs;
    expect(db.multiAz).toBe(false);
    expect(db.deletionProtection).toBe(false);
    const rg = run().recorder.one(T.replicationGroup).inputs;
    expect(rg.numCacheClusters).toBe(1);
    expect(rg.automaticFailoverEnabled).toBe(false);
    expect(rg.multiAzEnabled).toBe(false);
  });

  it("does not replicate backups to the DR region and creates no DR provider or key", () => {
    expect(run().recorder.ofType(T.backupReplication)).toEqual([]);
    expect(run().recorder.ofType(T.kmsKey)).toEqual([]);
    expect(run().recorder.ofType(T.provider).map((p) => p.name)).toEqual(["aws"]);
  });

  it("leaves staging resources unprotected so the environment can be torn down", () => {
    expect(run().options.get(`${T.instance}::postgres`)?.protect).toBe(false);
  });

  it("samples enhanced monitoring every 60 s", () => {
    expect(run().recorder.one(T.instance).inputs.monitoringInterval).toBe(60);
  });
});
