import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { env, functions as functionTopology, webSocketRoutes, type FunctionId } from '../topology.ts';
import { acknowledge, wildcardResource } from './nag.ts';

export interface StreamsProps {
  readonly functions: Record<FunctionId, lambda.Function>;
  readonly logRetention: logs.RetentionDays;
}

/** API Gateway's limits for one stage; a subscriber only receives, so the rate it may send at stays low. */
const throttle = { rateLimit: 50, burstLimit: 100 };

/**
 * The WebSocket API of job subscriptions: `$connect` and `$disconnect` go to the functions `webSocketRoutes` names,
 * and the functions the topology gives `webSocket` access get its URL (`connectUrl`) or its `@connections`
 * endpoint and the right to send to and close connections (`manageConnections`).
 */
export class Streams extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;

  constructor(scope: Construct, id: string, props: StreamsProps) {
    super(scope, id);
    const integration = (routeKey: '$connect' | '$disconnect') => {
      const fnId = webSocketRoutes.find((route) => route.routeKey === routeKey)!.function;
      return { integration: new WebSocketLambdaIntegration(`${fnId}Integration`, props.functions[fnId]) };
    };
    this.api = new apigwv2.WebSocketApi(this, 'WebSocketApi', {
      apiName: `${this.node.path.replace(/\//g, '-')}`,
      description: 'Live job events for WebSocket subscriptions',
      connectRouteOptions: integration('$connect'),
      disconnectRouteOptions: integration('$disconnect'),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: 'prod',
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    // The connection token is checked by the $connect function itself (one lookup of its hash), not by an authorizer.
    acknowledge(
      this.api,
      'APIG4',
      'The $connect function checks the connection token (a hashed lookup) and refuses the handshake with 401; $disconnect cannot be authorized.',
    );

    for (const [fnId, definition] of Object.entries(functionTopology) as [FunctionId, (typeof functionTopology)[FunctionId]][]) {
      const fn = props.functions[fnId];
      if (!fn || !definition.access.webSocket) continue;
      if (definition.access.webSocket === 'connectUrl') fn.addEnvironment(env.webSocketUrl, this.stage.url);
      else {
        fn.addEnvironment(env.webSocketManagementEndpoint, this.stage.callbackUrl);
        this.api.grantManageConnections(fn);
        // The finding cdk-nag names for the grant's `<api>/*/*/@connections/*`, built as grantManageConnections builds it, so
        // it matches whether the stack's region and account are concrete (`cdk synth` with a profile) or tokens.
        const apiArn = Stack.of(this).formatArn({ service: 'execute-api', resource: this.api.apiId });
        acknowledge(fn, 'IAM5', 'Connection ids exist only at run time; the grant is limited to the @connections of this one WebSocket API.', [
          wildcardResource(this, `${apiArn}/*/*/@connections/*`),
        ]);
      }
    }
  }
}
