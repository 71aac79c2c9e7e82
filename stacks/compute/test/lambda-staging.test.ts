import { lambdaLayerSuite } from "./lambda-layer-suite";

// The example environment of the lambda platform (Pulumi.staging-lambda.yaml).
lambdaLayerSuite("staging-lambda", { tier: "staging", memoryMb: 1024, reservedConcurrency: 20, throttle: { rate: 50, burst: 100 } });
