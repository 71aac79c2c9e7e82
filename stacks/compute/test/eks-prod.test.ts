import * as fs from "node:fs";
import { afterAll } from "vitest";
import { environmentRootWith } from "@platform/infra/testing";
import { eksLayerSuite } from "./eks-layer-suite";

// Production's shape on EKS: Pulumi.prod.yaml as it is, with computePlatform eks (prod itself stays on ECS).
const dir = environmentRootWith("prod", { "platform:computePlatform": "eks" });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

eksLayerSuite("prod", { tier: "production", weights: [10], bakeMinutes: 15, max5xxRatePercent: 2, maxP99LatencyMs: 800 }, () => ({ rootDir: dir }));
