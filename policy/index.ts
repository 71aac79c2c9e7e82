// The policy pack's entry file (PulumiPolicy.yaml): the only place a PolicyPack is constructed, because
// constructing one starts the policy server. Tests and devctl import the rules from ./src/rules instead.
//   pulumi preview --stack prod --policy-pack ../../policy     (from a layer's folder, stacks/<layer>)
import { PolicyPack } from "@pulumi/policy";
import { toPulumiPolicies } from "./src/pulumi-policies";
import { environmentFromStackName } from "./src/rules";
import { resolvePackEnvironment } from "./src/pack-environment";

new PolicyPack("platform", { policies: toPulumiPolicies((stack) => resolvePackEnvironment(stack, environmentFromStackName)) });
