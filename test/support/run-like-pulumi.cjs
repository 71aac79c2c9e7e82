"use strict";
// Loads a layer's index.ts the way the Pulumi CLI's Node.js language host does (`pulumi up` in that folder):
// cwd = the project folder, ts-node registered with the options @pulumi/pulumi/cmd/run/run.js passes
// (the project's tsconfig.json, type checking unless it sets noCheck), workspace packages resolved through
// node_modules to their built dist/. The engine is replaced by the runtime's mocks.
// Usage: node run-like-pulumi.cjs <project folder> <stack> [key=value config ...]
// Prints one JSON object: { outputs: [names], resources: <count> }.
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

async function main() {
  const [folder, stack, ...config] = process.argv.slice(2);
  const projectDir = path.resolve(folder);
  process.chdir(projectDir);
  const projectRequire = createRequire(path.join(projectDir, "package.json"));
  const pulumi = projectRequire("@pulumi/pulumi");
  const pulumiDir = path.dirname(projectRequire.resolve("@pulumi/pulumi/package.json"));
  const pulumiRequire = createRequire(path.join(pulumiDir, "package.json"));

  // As run.js: compilerOptions read from the tsconfig file itself, ts-node and typescript resolved from the SDK.
  const ts = pulumiRequire("typescript");
  const raw = ts.parseConfigFileTextToJson("tsconfig.json", fs.readFileSync("tsconfig.json", "utf8")).config ?? {};
  const compilerOptions = raw.compilerOptions ?? {};
  pulumiRequire("ts-node").register({
    compiler: pulumiRequire.resolve("typescript"),
    transpileOnly: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ? process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true" : compilerOptions.noCheck,
    project: "tsconfig.json",
    skipProject: false,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
  });

  const projectFile = fs.readFileSync("Pulumi.yaml", "utf8");
  const project = /^name:\s*(\S+)/m.exec(projectFile)[1];
  const main = /^main:\s*(\S+)/m.exec(projectFile)?.[1] ?? "index.ts";
  for (const entry of config) {
    const at = entry.indexOf("=");
    pulumi.runtime.setConfig(entry.slice(0, at), entry.slice(at + 1));
  }
  // The one simulation devctl plan uses too: computed attributes (managed secrets, endpoints, validation records).
  const { installMocks } = require(path.resolve(__dirname, "../../infra/dist/testing/index.js"));
  const recorder = await installMocks({ project, stack });
  const exported = require(path.join(projectDir, main));
  const names = Object.keys(exported);
  await Promise.all(names.map((name) => new Promise((resolve) => pulumi.output(exported[name]).apply(resolve))));
  // What ts-node compiled and with which options: the test type-checks exactly these files with exactly these
  // options when this run was transpile-only (see typecheck-like-ts-node.ts).
  const service = process[Symbol.for("ts-node.register.instance")];
  const compiled = Object.keys(require.cache).filter((file) => /\.[cm]?tsx?$/.test(file) && !/[\\/]node_modules[\\/]/.test(file));
  const typescript = { options: service.config.options, files: compiled.sort() };
  process.stdout.write(JSON.stringify({ outputs: names.sort(), resources: recorder.resources.length, typescript }) + "\n");
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
