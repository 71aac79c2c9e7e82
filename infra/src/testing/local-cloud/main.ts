/**
 * Entry point of the local-cloud SIMULATOR plugin (see simulator.ts). The engine starts it as
 * pulumi-resource-aws, -random or -docker when the suite puts bin/ on PATH; LOCAL_CLOUD_PACKAGE says which.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as provider from "@pulumi/pulumi/provider/index.js";
import { LocalCloud } from "./simulator";

const pkg = process.env.LOCAL_CLOUD_PACKAGE ?? "aws";
const dir = process.env.LOCAL_CLOUD_DIR;
if (!dir) {
  process.stderr.write("local cloud (simulator): set LOCAL_CLOUD_DIR to the folder that holds its resources\n");
  process.exit(2);
}

/** Reports the version of the SDK package the programs use, so the engine's version checks see what they asked for. */
function sdkVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`@pulumi/${name}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

const cloud = new LocalCloud(path.resolve(dir), sdkVersion(pkg));

// The Node provider SDK's Configure drops the provider's configuration, but ARNs and endpoints carry the
// region (us-east-1 for CloudFront certificates, the environment's region otherwise). Read it on the way in.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] })) as {
  Server: { prototype: { addService: (service: unknown, impl: Record<string, unknown>) => void } };
};
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (this: unknown, service: unknown, impl: Record<string, unknown>) {
  const configure = impl.configure as ((call: { request: ConfigureRequest }, callback: unknown) => void) | undefined;
  if (configure) {
    impl.configure = (call: { request: ConfigureRequest }, callback: unknown) => {
      const region = call.request.getVariablesMap().get(`${pkg}:config:region`) ?? call.request.getArgs()?.toJavaScript().region;
      if (typeof region === "string" && region !== "") cloud.region = region.replace(/^"|"$/g, "");
      configure.call(impl, call, callback);
    };
  }
  addService.call(this, service, impl);
};

interface ConfigureRequest {
  getVariablesMap(): { get(key: string): string | undefined };
  getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

void provider.main(cloud, process.argv.slice(2));
