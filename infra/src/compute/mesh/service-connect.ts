/**
 * ECS Service Connect for the service (environment mesh.mode service-connect): the Cloud Map namespace the cluster
 * defaults to, the service's Service Connect block (port name, discovery name, client alias, timeouts) and, only
 * when mesh.mtls is on, TLS certificates from an AWS Private CA. The configuration itself is a pure function, so
 * tests read exactly what ECS gets.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../environment/environment";
import { serviceRole, type ServiceRoleArgs } from "../../iam/service-role";
import { ecsInfrastructureTrustPolicy } from "../iam-policies";
import type { MeshMetrics } from "./mesh-metrics";

/** Name of the task definition's port mapping Service Connect fronts (container-definition.ts names it). */
export const SERVICE_CONNECT_PORT_NAME = "http";

/**
 * The private CA's mode: short-lived certificates (valid 7 days at most, which Service Connect rotates itself)
 * cost 50 USD a month per CA instead of 400 USD for general purpose (AWS Private CA pricing, 2026-11).
 */
export const SERVICE_CONNECT_CA_USAGE_MODE = "SHORT_LIVED_CERTIFICATE";

/** The Service Connect proxy's port when TLS is on: beside the service's own, which stays the ALB's. */
export function serviceConnectTlsPort(servicePort: number): number {
  return servicePort + 1;
}

/** The namespace's name: one per environment, so staging's services never resolve prod's. */
export function serviceConnectNamespaceName(environmentName: string): string {
  return `${environmentName}.internal`;
}

export interface ServiceConnectSettingsInput {
  readonly environment: Pick<Environment, "mesh" | "service">;
  /** Cloud Map namespace ARN. */
  readonly namespaceArn: string;
  /** The service's name; its discovery name and client alias. */
  readonly serviceName: string;
  /** With mesh.mtls: the Private CA that signs the proxies' certificates and the role ECS manages them with. */
  readonly tls?: { readonly certificateAuthorityArn: string; readonly roleArn: string; readonly kmsKeyArn: string };
  /** Log group of the Service Connect proxy's own logs. */
  readonly logGroupName: string;
  readonly region: string;
}

/** The Service Connect block of the ECS service: ECS's own API shape (aws.ecs.Service serviceConnectConfiguration). */
export function serviceConnectConfiguration(input: ServiceConnectSettingsInput): aws.types.input.ecs.ServiceServiceConnectConfiguration {
  const env = input.environment;
  if (env.mesh.mode !== "service-connect") {
    throw new Error(`serviceConnectConfiguration needs mesh mode service-connect; this environment's is ${env.mesh.mode}.`);
  }
  if (env.mesh.mtls && input.tls === undefined) {
    throw new Error("meshMtls is on but no Private CA was given: Service Connect TLS needs a certificate authority and a role.");
  }
  // The environment model allows one "/" route on Service Connect: it sets one timeout per service.
  const route = env.mesh.routes.find((r) => r.pathPrefix === "/");
  if (route === undefined) throw new Error('meshRoutes has no "/" route; Service Connect needs one timeout for the service.');
  return {
    enabled: true,
    namespace: input.namespaceArn,
    services: [
      {
        portName: SERVICE_CONNECT_PORT_NAME,
        discoveryName: input.serviceName,
        clientAlias: [{ dnsName: input.serviceName, port: env.service.port }],
        timeout: {
          perRequestTimeoutSeconds: route.timeoutSeconds,
          // An idle connection outlives the longest request, so keep-alive never cuts one in flight.
          idleTimeoutSeconds: Math.max(route.timeoutSeconds * 2, 60),
        },
        ...(input.tls
          ? {
              // With TLS the proxy expects TLS on its port; by default that is the container port, which the ALB
              // reaches in plain HTTP (ALB health checks cannot speak Service Connect's TLS 1.3-only). Moving the
              // proxy to its own port leaves the container port to the ALB.
              ingressPortOverride: serviceConnectTlsPort(env.service.port),
              tls: {
                issuerCertAuthority: { awsPcaAuthorityArn: input.tls.certificateAuthorityArn },
                roleArn: input.tls.roleArn,
                kmsKey: input.tls.kmsKeyArn,
              },
            }
          : {}),
      },
    ],
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": input.logGroupName, "awslogs-region": input.region, "awslogs-stream-prefix": "service-connect" },
    },
  };
}

/**
 * The Service Connect metrics of the service (namespace AWS/ECS). Inbound request counts carry ClusterName,
 * ServiceName and DiscoveryName; the target-side 5xx count and response time are published per TargetDiscoveryName.
 */
export function serviceConnectMetrics(clusterName: string, serviceName: string): MeshMetrics {
  return {
    mode: "service-connect",
    namespace: "AWS/ECS",
    requests: { metricName: "RequestCount", dimensions: { ClusterName: clusterName, ServiceName: serviceName, DiscoveryName: serviceName }, stat: "Sum" },
    errors: { metricName: "HTTPCode_Target_5XX_Count", dimensions: { TargetDiscoveryName: serviceName }, stat: "Sum" },
    latency: { metricName: "TargetResponseTime", dimensions: { TargetDiscoveryName: serviceName }, stat: "p99" },
  };
}

export interface ServiceConnectArgs {
  /** Environment name: the namespace, the CA's subject, descriptions. */
  readonly environmentName: string;
  /** The environment's region (the proxy's log group lives there). */
  readonly region: string;
  /** The environment's mesh settings (mode service-connect; mtls, routes). */
  readonly mesh: Environment["mesh"];
  /** The service's settings (its port is the one Service Connect fronts). */
  readonly service: Environment["service"];
  /** The service's name: discovery name and client alias. */
  readonly serviceName: string;
  /** Log group of the proxy's logs (the service's own). */
  readonly logGroupName: pulumi.Input<string>;
  /** Key that encrypts the TLS private keys ECS keeps in Secrets Manager (only with mesh.mtls). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The account the TLS role lives in (its trust policy and permissions boundary). */
  readonly account: ServiceRoleArgs["account"];
  readonly tags?: Record<string, string>;
}

/**
 * The Cloud Map namespace and, with mesh.mtls, the short-lived Private CA and the role ECS issues certificates
 * with. `configuration` is the service's Service Connect block; `namespaceArn` is the cluster's default.
 */
export class ServiceConnect extends pulumi.ComponentResource {
  readonly namespace: aws.servicediscovery.HttpNamespace;
  readonly certificateAuthority?: aws.acmpca.CertificateAuthority;
  readonly tlsRole?: aws.iam.Role;
  /** What the ECS service waits for: the namespace and, with TLS, the installed CA certificate. */
  readonly ready: pulumi.Resource[];
  readonly namespaceArn: pulumi.Output<string>;
  readonly configuration: pulumi.Output<aws.types.input.ecs.ServiceServiceConnectConfiguration>;

  constructor(name: string, args: ServiceConnectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:ServiceConnect", name, {}, opts);
    const envName = args.environmentName;
    const parent = { parent: this };
    const tags = args.tags;
    if (args.mesh.mode !== "service-connect") {
      throw new pulumi.ResourceError(`ServiceConnect needs meshMode service-connect; ${envName} has ${args.mesh.mode}.`, this);
    }

    // An HTTP namespace: Service Connect resolves names itself, so no Route 53 private zone is needed (or paid for).
    this.namespace = new aws.servicediscovery.HttpNamespace(
      name,
      { name: serviceConnectNamespaceName(envName), description: `Service Connect namespace of ${envName}`, tags },
      parent,
    );
    this.namespaceArn = this.namespace.arn;
    this.ready = [this.namespace];

    let tls: pulumi.Output<{ certificateAuthorityArn: string; roleArn: string; kmsKeyArn: string }> | undefined;
    if (args.mesh.mtls) {
      const ca = new aws.acmpca.CertificateAuthority(
        `${name}-ca`,
        {
          type: "ROOT",
          usageMode: SERVICE_CONNECT_CA_USAGE_MODE,
          certificateAuthorityConfiguration: {
            keyAlgorithm: "EC_prime256v1",
            signingAlgorithm: "SHA256WITHECDSA",
            subject: { commonName: serviceConnectNamespaceName(envName), organization: "release-ledger" },
          },
          permanentDeletionTimeInDays: 7,
          // ECS's Service Connect TLS policy only issues from CAs it is told it manages.
          tags: { ...tags, AmazonECSManaged: "true" },
        },
        parent,
      );
      const rootCertificate = new aws.acmpca.Certificate(
        `${name}-ca-certificate`,
        {
          certificateAuthorityArn: ca.arn,
          certificateSigningRequest: ca.certificateSigningRequest,
          signingAlgorithm: "SHA256WITHECDSA",
          templateArn: pulumi.interpolate`arn:${aws.getPartitionOutput({}, parent).partition}:acm-pca:::template/RootCACertificate/V1`,
          validity: { type: "YEARS", value: "10" },
        },
        parent,
      );
      const installed = new aws.acmpca.CertificateAuthorityCertificate(
        `${name}-ca-install`,
        { certificateAuthorityArn: ca.arn, certificate: rootCertificate.certificate, certificateChain: rootCertificate.certificateChain },
        parent,
      );
      this.tlsRole = serviceRole(
        `${name}-tls-role`,
        {
          description: `Lets ECS issue and rotate ${args.serviceName}'s Service Connect TLS certificates (${envName})`,
          account: args.account,
          trust: ({ accountId }) => ecsInfrastructureTrustPolicy(accountId),
          ...(tags === undefined ? {} : { tags }),
        },
        parent,
      );
      new aws.iam.RolePolicyAttachment(
        `${name}-tls-policy`,
        {
          role: this.tlsRole.name,
          policyArn: pulumi.interpolate`arn:${aws.getPartitionOutput({}, parent).partition}:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity`,
        },
        parent,
      );
      this.certificateAuthority = ca;
      this.ready.push(installed, this.tlsRole);
      tls = pulumi
        .all([ca.arn, this.tlsRole.arn, args.kmsKeyArn])
        .apply(([certificateAuthorityArn, roleArn, kmsKeyArn]) => ({ certificateAuthorityArn, roleArn, kmsKeyArn }));
    }

    this.configuration = pulumi
      .all([this.namespace.arn, args.logGroupName, tls ?? pulumi.output(undefined)])
      .apply(([namespaceArn, logGroupName, tlsSettings]) =>
        serviceConnectConfiguration({
          environment: { mesh: args.mesh, service: args.service },
          namespaceArn,
          serviceName: args.serviceName,
          logGroupName,
          region: args.region,
          ...(tlsSettings ? { tls: tlsSettings } : {}),
        }),
      );
    this.registerOutputs({ namespaceArn: this.namespaceArn, configuration: this.configuration });
  }
}
