import { networkLayerSuite } from "./network-layer-suite";

// Staging: 2 AZs and a single NAT gateway (Pulumi.staging.yaml).
networkLayerSuite("staging", { azCount: 2, natGateways: 1 });
