import { createServer, connect, type Server, type Socket } from "node:net";
import { type AddressInfo } from "node:net";

/**
 * A loopback TCP proxy to a real server that a test can cut (`close`: refuse and drop every connection)
 * and restore (`open`) on the same port, to play "the database is unreachable, then back", `freeze` to
 * play a server that stops answering, or `delay` to play a slow one.
 */
export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1") {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let frozen = false;
  let delayMs = 0;
  // Only the server's answers are delayed (timers of equal delay fire in order, so chunks keep theirs).
  const forward = (to: Socket, delayed: boolean) => (chunk: Buffer) => {
    if (frozen) return;
    if (!delayed || delayMs === 0) return void to.write(chunk);
    setTimeout(() => to.writable && to.write(chunk), delayMs);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        // Forwarded by hand so `freeze` can swallow traffic while keeping both connections open.
        client.on("data", forward(upstream, false));
        upstream.on("data", forward(client, true));
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });

  await listen();
  return {
    get port() {
      return port;
    },
    open: listen,
    /** Connections stay up but nothing gets through: a server that has stopped answering. */
    freeze: (value: boolean) => {
      frozen = value;
    },
    /** Every answer arrives this much later: a slow server (or network). */
    delay: (ms: number) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        if (!server) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
}
