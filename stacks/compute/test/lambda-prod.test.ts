import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";
import { parse, stringify } from "yaml";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { lambdaLayerSuite } from "./lambda-layer-suite";

// Production's shape on Lambda: Pulumi.prod.yaml as it is, with computePlatform lambda and the defaults of
// Pulumi.yaml for the function (prod itself stays on ECS).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prod-lambda-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
const prod = parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
prod.config["platform:computePlatform"] = "lambda";
fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stringify(prod));

lambdaLayerSuite("prod", { tier: "production", memoryMb: 1024, reservedConcurrency: 50, throttle: { rate: 100, burst: 200 } }, () => ({ rootDir: dir }));
