export {
  ACCESS_POLICIES,
  accessPolicyArn,
  CLUSTER_NAME_TAG,
  CLUSTER_ROLE_POLICIES,
  clusterName,
  eksTargetGroupTags,
  CONTROL_PLANE_LOG_TYPES,
  endpointAccess,
  NODE_ROLE_POLICIES,
  POD_SECURITY_LABELS,
  SECRETS_OPERATOR_ACCOUNT,
  SECRETS_OPERATOR_NAMESPACE,
  SERVICE_ACCOUNT,
  SERVICE_NAMESPACE,
  serviceSecretsReadPolicy,
  type AccessRole,
} from "./cluster-policies";
export {
  argoRolloutsValues,
  cpuMillicores,
  externalSecretsValues,
  OPERATOR_CHARTS,
  rolloutWeights,
  SERVICE_CHART_PATH,
  serviceChartValues,
  type ServiceValuesInput,
} from "./chart-values";
export { accessRoleNames, EksCluster, type EksClusterArgs } from "./eks-cluster";
export { EksWebService, type EksWebServiceArgs, type JoinedOrigin } from "./eks-web-service";
export { kubeconfig, type KubeconfigInput } from "./kubeconfig";
