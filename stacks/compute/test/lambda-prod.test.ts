import * as fs from "node:fs";
import { afterAll } from "vitest";
import { environmentRootWith } from "@platform/infra/testing";
import { lambdaLayerSuite } from "./lambda-layer-suite";

// Production's shape on Lambda: Pulumi.prod.yaml as it is, with computePlatform lambda and the defaults of
// Pulumi.yaml for the function (prod itself stays on ECS).
const dir = environmentRootWith("prod", { "platform:computePlatform": "lambda" });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

lambdaLayerSuite("prod", { tier: "production", memoryMb: 1024, reservedConcurrency: 50, throttle: { rate: 100, burst: 200 } }, () => ({ rootDir: dir }));
