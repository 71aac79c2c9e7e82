export { alertSubscriptionName, validateAlertEmails } from "./alert-subscriptions";
export { Foundations, type FoundationsArgs } from "./foundations";
export { Network, type NetworkArgs } from "./network";
export * from "./network-acl-rules";
export * from "./policies";
export * from "./security-group-rules";
export { SecurityGroups, type SecurityGroupsArgs } from "./security-groups";
export * from "./subnet-plan";
export { DEFAULT_INTERFACE_ENDPOINTS, endpointKey, VpcEndpoints, type VpcEndpointsArgs } from "./vpc-endpoints";
