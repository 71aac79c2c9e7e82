import { parseArgs } from "node:util";
import { Pool } from "pg";
import { isRole, ROLES } from "../auth/roles";
import { ConfigError, loadConfig } from "../config";
import { Database } from "../db/database";
import { runMigrations } from "../db/migrate";
import { createApiKeysRepository } from "../repositories/api-keys";

const USAGE = `usage: admin create-key --name <name> --role <${ROLES.join("|")}>

Creates an API key straight in the database (the way to get a first admin key) and prints
{"id","name","role","key"} as one JSON object on stdout. The key is shown only this once.
The database comes from DATABASE_URL or PG* variables; without either, the embedded one of \`dev\`.`;

class UsageError extends Error {}

export function parseCreateKey(argv: string[]): { name: string; role: (typeof ROLES)[number] } {
  const [command, ...rest] = argv;
  if (command !== "create-key") throw new UsageError(command === undefined ? "missing command" : `unknown command "${command}"`);
  const { values } = parseArgs({ args: rest, options: { name: { type: "string" }, role: { type: "string" } }, strict: true });
  if (values.name === undefined || !/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(values.name)) {
    throw new UsageError("--name is required: 1 to 64 letters, digits, spaces, dots, dashes or underscores");
  }
  if (!isRole(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
  return { name: values.name, role: values.role };
}

async function main(argv: string[]): Promise<void> {
  const input = parseCreateKey(argv);
  const env = { ...process.env };
  if (env.DATABASE_URL === undefined && env.PGHOST === undefined) {
    const { DEV_DATABASE_URL } = await import("../dev-database.js");
    env.DATABASE_URL = DEV_DATABASE_URL;
    process.stderr.write(`no DATABASE_URL or PGHOST: using the embedded development database (${DEV_DATABASE_URL}); \`dev\` must be running\n`);
  }
  const config = loadConfig(env);
  await runMigrations(config.database, (m) => process.stderr.write(`${m}\n`));
  const pool = new Pool({ ...config.database.connection, max: 1, connectionTimeoutMillis: config.database.connectTimeoutMs });
  try {
    const created = await createApiKeysRepository(new Database(pool)).create({ ...input, createdBy: "admin-command" });
    process.stdout.write(`${JSON.stringify({ id: created.id, name: created.name, role: created.role, key: created.key })}\n`);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
