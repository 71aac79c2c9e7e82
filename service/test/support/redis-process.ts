import { spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./free-port";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A throwaway redis-server this test may kill, so the shared one on 6379 is never touched. */
export async function startRedis(): Promise<{ url: string; port: number; kill: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  // A missing binary is an "error" event, not an exception: without a listener it would end the test process.
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const deadline = Date.now() + 5_000;
  while (!(await accepts(port))) {
    if (spawnError) throw new Error(`redis-server could not be started: ${spawnError.message}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
