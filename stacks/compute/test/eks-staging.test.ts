import { eksLayerSuite } from "./eks-layer-suite";

// The example environment of the eks platform (Pulumi.staging-eks.yaml: canary 10 %, 5 minutes of bake).
eksLayerSuite("staging-eks", { tier: "staging", weights: [10], bakeMinutes: 5, max5xxRatePercent: 5, maxP99LatencyMs: 1000 });
