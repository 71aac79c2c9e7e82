#!/usr/bin/env node
"use strict";
// devctl's executable: compiled code only, so `devctl --help` starts about as fast as Node itself.
// `pnpm install` builds it (root "prepare" script); `pnpm devctl` rebuilds it when a source changed.
let main;
try {
  ({ main } = require("../dist/main.js"));
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist/main.js")) {
    process.stderr.write("devctl is not built yet. Run: pnpm install (or pnpm --filter @platform/devctl build)\n");
    process.exit(2);
  }
  throw error;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
