/**
 * Keeps the two heaviest modules of @pulumi/pulumi's closure serializer out of `devctl plan` until something
 * really serializes a function. @pulumi/pulumi requires them when it loads (runtime/index.js pulls in
 * runtime/closure/*), though only `serializeFunction` and `computeCodePaths` use them:
 *
 * - `typescript` (through @pulumi/pulumi/typescript-shim.js, ~9 MB of source): parses a function's text;
 * - `@npmcli/arborist` (npm's own tree builder: pacote, sigstore, ~440 modules): finds a closure's packages.
 *
 * Together they were ~35 MiB of a plan's ~200 MiB peak RSS, and a plan never serializes a function (the
 * simulation answers every resource; a Lambda plan reads no archive). So before the plan loads Pulumi, each
 * gets a stand-in in Node's module cache under its real file name; the first use of a stand-in loads the
 * real module and forwards to it, so a plan that does serialize a function behaves as before, only later.
 *
 * Only `devctl plan` installs this (cli/src/actions/plan.ts). The Pulumi engine runs programs in its own
 * language host and devctl's other commands never install it, so neither sees any of this.
 */
import { createRequire, Module } from "node:module";
import * as path from "node:path";

/** What @npmcli/arborist exports (its module is the Arborist class, with these properties); a test pins it. */
export const ARBORIST_EXPORTS = ["Arborist", "Node", "Link", "Edge", "Shrinkwrap"] as const;

/** The files the stand-ins are installed under, resolved from the one @pulumi/pulumi devctl uses. */
export function deferredFiles(): { typescriptShim: string; arborist: string } {
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return {
    typescriptShim: path.join(pulumiDir, "typescript-shim.js"),
    arborist: require.resolve("@npmcli/arborist", { paths: [pulumiDir] }),
  };
}

/**
 * Installs the stand-ins, unless a module is already loaded (then the real one is kept). Returns the files
 * that got one.
 */
export function deferClosureModules(): string[] {
  const files = deferredFiles();
  const deferred: string[] = [];
  if (defer(files.typescriptShim, (load) => typescriptStandIn(load))) deferred.push(files.typescriptShim);
  if (defer(files.arborist, (load) => arboristStandIn(load))) deferred.push(files.arborist);
  return deferred;
}

type Load = () => Record<string, unknown>;

function defer(file: string, standIn: (load: Load) => unknown): boolean {
  if (require.cache[file]) return false;
  let real: Record<string, unknown> | undefined;
  const load: Load = () => {
    if (!real) {
      // Out of the cache first, so this require (and every later one) gets the real module.
      delete require.cache[file];
      real = createRequire(file)(file) as Record<string, unknown>;
    }
    return real;
  };
  const module = new Module(file);
  module.filename = file;
  module.loaded = true;
  module.exports = standIn(load);
  require.cache[file] = module;
  return true;
}

/** parseFunction.js keeps `ts` and reads `ts.createSourceFile` and the like only when it parses. */
function typescriptStandIn(load: Load): object {
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(load(), key) as unknown,
      has: (_, key) => Reflect.has(load(), key),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        // A proxy may not report a non-configurable property its (empty) target lacks.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

/**
 * codePaths.js copies the module's own properties when it loads (TypeScript's __importStar) and later runs
 * `new arborist.Arborist(...)`: each exported class is a constructor that builds the real one.
 */
function arboristStandIn(load: Load): object {
  const construct = (name: string) =>
    function (...args: unknown[]) {
      const Real = load()[name] as new (...args: unknown[]) => object;
      return new Real(...args);
    };
  const standIn = construct("Arborist") as unknown as Record<string, unknown>;
  for (const name of ARBORIST_EXPORTS) standIn[name] = name === "Arborist" ? standIn : construct(name);
  return standIn;
}
