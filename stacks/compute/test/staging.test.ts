import { computeLayerSuite } from "./compute-layer-suite";

// Staging deploys with production's canary onto two target groups, with a shorter bake (Pulumi.staging.yaml).
computeLayerSuite("staging", { strategy: "CANARY", targetGroups: 2, deletionProtection: false });
