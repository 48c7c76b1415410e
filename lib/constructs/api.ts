import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { methodNotAllowedFunction, routes, type FunctionId } from '../topology.ts';
import { acknowledge, managedPolicy } from './nag.ts';

export interface ApiProps {
  readonly functions: Record<FunctionId, lambda.IFunction>;
  readonly authorizerFunction: FunctionId;
  readonly logRetention: logs.RetentionDays;
  /** Steady-state requests per second per method (stage default). */
  readonly throttlingRateLimit?: number;
  readonly throttlingBurstLimit?: number;
}

/** RFC 9457 problem responses for the errors API Gateway answers itself (before any handler runs). */
const problemResponses: readonly { type: apigateway.ResponseType; status: number; title: string; override?: boolean }[] = [
  { type: apigateway.ResponseType.UNAUTHORIZED, status: 401, title: 'Unauthorized' },
  { type: apigateway.ResponseType.ACCESS_DENIED, status: 403, title: 'Forbidden' },
  // API Gateway answers unknown paths with MISSING_AUTHENTICATION_TOKEN (403); to clients that is a 404.
  { type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, title: 'Not Found', override: true },
  { type: apigateway.ResponseType.REQUEST_TOO_LARGE, status: 413, title: 'Content Too Large' },
  { type: apigateway.ResponseType.THROTTLED, status: 429, title: 'Too Many Requests' },
  // The remaining types keep API Gateway's status; listing them keeps each body's `status` truthful.
  { type: apigateway.ResponseType.BAD_REQUEST_BODY, status: 400, title: 'Bad Request' },
  { type: apigateway.ResponseType.BAD_REQUEST_PARAMETERS, status: 400, title: 'Bad Request' },
  { type: apigateway.ResponseType.EXPIRED_TOKEN, status: 403, title: 'Forbidden' },
  { type: apigateway.ResponseType.INVALID_API_KEY, status: 403, title: 'Forbidden' },
  { type: apigateway.ResponseType.INVALID_SIGNATURE, status: 403, title: 'Forbidden' },
  { type: apigateway.ResponseType.WAF_FILTERED, status: 403, title: 'Forbidden' },
  { type: apigateway.ResponseType.RESOURCE_NOT_FOUND, status: 404, title: 'Not Found' },
  { type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, title: 'Unsupported Media Type' },
  { type: apigateway.ResponseType.QUOTA_EXCEEDED, status: 429, title: 'Too Many Requests' },
  { type: apigateway.ResponseType.API_CONFIGURATION_ERROR, status: 500, title: 'Internal Server Error' },
  { type: apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, status: 500, title: 'Internal Server Error' },
  { type: apigateway.ResponseType.AUTHORIZER_FAILURE, status: 500, title: 'Internal Server Error' },
  { type: apigateway.ResponseType.INTEGRATION_FAILURE, status: 504, title: 'Gateway Timeout' },
  { type: apigateway.ResponseType.INTEGRATION_TIMEOUT, status: 504, title: 'Gateway Timeout' },
  // Fallbacks for types not listed above (pinned so the body's status matches the response).
  { type: apigateway.ResponseType.DEFAULT_4XX, status: 400, title: 'Bad Request', override: true },
  { type: apigateway.ResponseType.DEFAULT_5XX, status: 500, title: 'Internal Server Error', override: true },
];

/** REST API built from the topology routes, a TOKEN authorizer and 405 `ANY` fallbacks. */
export class Api extends Construct {
  readonly restApi: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });

    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      description: 'Process-mining job platform API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit ?? 100,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 200,
      },
    });
    const api = this.restApi;

    for (const { type, status, title, override } of problemResponses) {
      api.addGatewayResponse(`Problem${type.responseType}`, {
        type,
        statusCode: override ? String(status) : undefined,
        responseHeaders: { 'Content-Type': "'application/problem+json'" },
        templates: {
          'application/json': `{"type":"about:blank","title":"${title}","status":${status},"detail":$context.error.messageString}`,
        },
      });
    }

    const authorizer = new apigateway.TokenAuthorizer(this, 'JwtAuthorizer', {
      handler: props.functions[props.authorizerFunction],
      identitySource: apigateway.IdentitySource.header('Authorization'),
      resultsCacheTtl: Duration.minutes(5),
    });

    const integrations = new Map<FunctionId, apigateway.LambdaIntegration>();
    const integration = (fnId: FunctionId): apigateway.LambdaIntegration => {
      let found = integrations.get(fnId);
      // One invoke permission per function for this API instead of two per method (stage and console test):
      // CloudFormation allows 500 resources per stack, and per-method permissions were a third of them.
      if (!found) integrations.set(fnId, (found = new apigateway.LambdaIntegration(props.functions[fnId], { scopePermissionToMethod: false })));
      return found;
    };

    const publicMethods: apigateway.Method[] = [];
    for (const route of routes) {
      const method = api.root.resourceForPath(route.path).addMethod(
        route.method,
        integration(route.function),
        route.authorized
          ? { authorizationType: apigateway.AuthorizationType.CUSTOM, authorizer }
          : { authorizationType: apigateway.AuthorizationType.NONE },
      );
      if (!route.authorized) publicMethods.push(method);
    }
    // API Gateway prefers the exact method, so ANY only answers verbs a path does not support: 405.
    for (const routedPath of new Set(routes.map((route) => route.path))) {
      publicMethods.push(
        api.root.resourceForPath(routedPath).addMethod('ANY', integration(methodNotAllowedFunction), {
          authorizationType: apigateway.AuthorizationType.NONE,
        }),
      );
    }

    for (const method of publicMethods) {
      acknowledge(
        method,
        'APIG4',
        method.httpMethod === 'ANY'
          ? 'ANY only answers HTTP methods a path does not support, always with 405 and no data; it must answer unauthenticated callers too.'
          : 'Public route (topology route with authorized: false): the liveness check, the OpenAPI document and its reference page; none returns tenant data.',
      );
    }
    acknowledge(
      api,
      'COG4',
      'Bearer JWTs from any OIDC issuer (Cognito or an external IdP, chosen by CDK context) are verified by the Lambda TOKEN authorizer, which a Cognito user pool authorizer cannot do.',
    );
    acknowledge(
      api,
      'APIG2',
      'Request bodies, path and query parameters are validated by the zod schemas in each handler, which return RFC 9457 problem details; API Gateway models would duplicate them.',
    );
    acknowledge(
      api,
      'APIG3',
      'Abuse is limited by stage throttling and the JWT authorizer; a WAFv2 web ACL (a per-request cost) is associated per environment outside this stack.',
    );
    acknowledge(
      api,
      'IAM4',
      'AmazonAPIGatewayPushToCloudWatchLogs is the AWS managed policy for the account-level API Gateway CloudWatch role, needed for execution logging.',
      [managedPolicy('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    );
  }
}

/** Standard fields plus what explains a gateway-generated error (authorizer, integration, error type). */
function accessLogFormat(): apigateway.AccessLogFormat {
  const f = apigateway.AccessLogField;
  return apigateway.AccessLogFormat.custom(
    JSON.stringify({
      requestId: f.contextRequestId(),
      xrayTraceId: f.contextXrayTraceId(),
      ip: f.contextIdentitySourceIp(),
      requestTime: f.contextRequestTime(),
      httpMethod: f.contextHttpMethod(),
      resourcePath: f.contextResourcePath(),
      path: f.contextPath(),
      protocol: f.contextProtocol(),
      status: f.contextStatus(),
      responseLength: f.contextResponseLength(),
      responseLatency: f.contextResponseLatency(),
      integrationLatency: f.contextIntegrationLatency(),
      principalId: f.contextAuthorizerPrincipalId(),
      errorType: f.contextErrorResponseType(),
      errorMessage: f.contextErrorMessage(),
      authorizerError: f.contextAuthorizerError(),
      integrationError: f.contextIntegrationErrorMessage(),
    }),
  );
}
