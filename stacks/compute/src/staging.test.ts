import { computeLayerSuite } from "../test/compute-layer-suite";

// Staging deploys rolling onto one target group (Pulumi.staging.yaml: deploymentStrategy rolling).
computeLayerSuite("staging", { strategy: "ROLLING", targetGroups: 1, deletionProtection: false });
