import { networkLayerSuite } from "./network-layer-suite";

// Production: 3 AZs and a NAT gateway per AZ (Pulumi.prod.yaml).
networkLayerSuite("prod", { azCount: 3, natGateways: 3 });
