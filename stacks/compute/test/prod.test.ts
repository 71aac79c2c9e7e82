import { computeLayerSuite } from "./compute-layer-suite";

// Production deploys canary across blue/green target groups (Pulumi.prod.yaml: deploymentStrategy canary).
computeLayerSuite("prod", { strategy: "CANARY", targetGroups: 2, deletionProtection: true });
