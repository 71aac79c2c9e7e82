import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";
import { parse, stringify } from "yaml";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { eksLayerSuite } from "./eks-layer-suite";

// Production's shape on EKS: Pulumi.prod.yaml as it is, with computePlatform eks (prod itself stays on ECS).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prod-eks-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.copyFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
const prod = parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
prod.config["platform:computePlatform"] = "eks";
fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stringify(prod));

eksLayerSuite("prod", { tier: "production", weights: [10], bakeMinutes: 15, max5xxRatePercent: 2, maxP99LatencyMs: 800 }, () => ({ rootDir: dir }));
