export { LambdaWebService, lambdaDashboard, type LambdaWebServiceArgs } from "./lambda-web-service";
export { apiFunctionPolicy, proxyResourceId } from "./lambda-policies";
export {
  aliasRouting,
  API_ACCESS_LOG_FORMAT,
  API_ARCHIVE_PATH,
  API_HANDLER,
  apiFunctionName,
  codeDigestOf,
  LAMBDA_RUNTIME,
  lambdaServiceEnvironment,
  LIVE_ALIAS,
  type AliasRouting,
} from "./lambda-settings";
