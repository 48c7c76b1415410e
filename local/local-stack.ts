import { mkdir } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDb } from './emulators/dynamodb.ts';
import { LOCAL_CREDENTIALS, startS3 } from './emulators/s3.ts';
import { startSqs } from './emulators/sqs.ts';
import { startSes } from './emulators/ses.ts';
import { FaultRegistry } from './faults.ts';
import { executionStatusListener } from './execution-status-events.ts';
import { FunctionRuntime, LOCAL_REGION } from './function-runtime.ts';
import { startHttpFront } from './http-front.ts';
import { startWebSocketGateway } from './websocket-gateway.ts';
import { jwks, LOCAL_AUDIENCE, LOCAL_ISSUER } from './local-issuer.ts';
import { checkJava } from './prerequisites.ts';
import { provision, queueIds } from './provision.ts';
import { compositionServices, reconcileAfterRestart } from './reconcile.ts';
import { startSqsPollers } from './sqs-poller.ts';
import { startStepFunctions } from './step-functions/index.ts';
import { loopbackHttp, receiverPolicy } from '../functions/domain/receiver-guard.ts';
import { pricesFor } from '../functions/domain/pricing.ts';
import { defaultMaxActiveOperationsPerProject, defaultMaxTokenLifetimeSeconds, env, stateMachines, type StateMachineId } from '../lib/topology.ts';

/** The sender of e-mail notifications under `npm start` unless NOTIFICATION_SENDER names another; nothing leaves the machine. */
export const localNotificationSender = 'notifications@process-mining.localhost';

/** What `npm start` adds to the receiver allow-list: loopback only, so local receivers work and nothing else is opened. */
export const localReceiverAllowList = ['127.0.0.0/8', '::1', 'localhost'];

export interface LocalStackOptions {
  projectRoot: string;
  dataDir: string;
  /** Port of the API; 0 picks a free one. */
  port: number;
  /** Seconds between resource samples of a running phase. */
  sampleIntervalMs?: number;
}

export interface LocalStack {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the emulators, creates the resources the topology names, points the handlers'
 * environment at them (the same variables the CDK stack sets in AWS) and serves the API.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  await checkJava();
  await mkdir(options.dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('stop failed', error));
  };
  try {
    const [dynamodb, sqs, s3] = await Promise.all([startDynamoDb({ dataDir: options.dataDir }), startSqs({ dataDir: options.dataDir }), startS3({ dataDir: options.dataDir })]);
    stops.push(dynamodb.stop, sqs.stop, s3.stop);
    const resources = await provision({ endpoints: { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, s3: s3.endpoint } });
    // Before anything consumes them: the messages the last run left (pending deliveries, cancellations).
    const { restored } = await sqs.restoreMessages();
    if (restored > 0) console.log(`Restored ${restored} queued message(s) from the last run.`);

    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      [env.s3ForcePathStyle]: 'true',
      [env.tableName]: resources.tableName,
      [env.bucketName]: resources.bucketName,
      [env.jwtIssuer]: LOCAL_ISSUER,
      [env.jwtAudience]: LOCAL_AUDIENCE,
      [env.resourceSampleIntervalMs]: String(options.sampleIntervalMs ?? 1000),
      // Receivers on this machine (and only there) are admitted, over plain http too: the local stack is for development.
      // An operator's own entries are kept; loopback is added to them.
      [env.receiverAllowList]: [process.env[env.receiverAllowList], ...localReceiverAllowList].filter(Boolean).join(','),
      [env.receiverAllowHttp]: loopbackHttp,
      [env.maxActiveOperationsPerProject]: process.env[env.maxActiveOperationsPerProject] ?? String(defaultMaxActiveOperationsPerProject),
      [env.maxTokenLifetimeSeconds]: process.env[env.maxTokenLifetimeSeconds] ?? String(defaultMaxTokenLifetimeSeconds),
      // The functions' logger prints one readable line per request and per phase; EMF metrics have no reader here.
      [env.logFormat]: process.env[env.logFormat] ?? 'text',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      ...Object.fromEntries(queueIds().map((id) => [env.queueUrl(id), resources.queueUrls[id]])),
    });
    // Fails now, not at the first registration, on an operator entry the guard cannot read.
    receiverPolicy(process.env[env.receiverAllowList], process.env[env.receiverAllowHttp]);
    // Likewise a PRICING_REGION without published prices, rather than every cost figure.
    pricesFor(process.env[env.pricingRegion]);
    console.log(`Receivers: ${process.env[env.receiverAllowList]} allow-listed for local development; plain http to loopback only; everything else must be public https.`);

    // E-mail notifications: the same SES v2 client, pointed by the SDK's endpoint variable at an emulator that keeps them.
    const ses = await startSes();
    stops.push(ses.stop);
    Object.assign(process.env, { AWS_ENDPOINT_URL_SESV2: ses.endpoint, [env.notificationSender]: process.env[env.notificationSender] || localNotificationSender });
    const sesInfo = { endpoint: ses.endpoint, viewerUrl: ses.viewerUrl, storeUrl: ses.storeUrl, sender: process.env[env.notificationSender] };
    console.log(`E-mail notifications from ${sesInfo.sender} go to the local SES v2 emulator: read them at ${ses.viewerUrl} (JSON: ${ses.storeUrl}).`);

    // Fault injection (POST/GET/DELETE /_local/faults): local only; the phase runner gets the port here, not in AWS.
    const faults = new FaultRegistry();
    const runtime = new FunctionRuntime(options.projectRoot, faults);
    (await import('../functions/phase-composition.ts')).injectPhaseFaults(faults.phaseFaults());
    // Executions ending FAILED, TIMED_OUT or ABORTED go to the reconciler, as the EventBridge rule sends them in AWS.
    // WebSocket subscriptions: the same $connect/$disconnect functions, and a local @connections endpoint for delivery.
    const webSocket = await startWebSocketGateway({ invoker: runtime, port: Number(process.env.WEBSOCKET_PORT ?? 0) });
    stops.push(webSocket.stop);
    Object.assign(process.env, { [env.webSocketUrl]: webSocket.url, [env.webSocketManagementEndpoint]: webSocket.managementEndpoint });
    console.log(`WebSocket subscriptions on ${webSocket.url} (@connections at ${webSocket.managementEndpoint}).`);
    const stepFunctions = await startStepFunctions({ invoker: runtime, projectRoot: options.projectRoot, onExecutionEnded: executionStatusListener(runtime) });
    stops.push(stepFunctions.stop);
    process.env.AWS_ENDPOINT_URL_SFN = stepFunctions.endpoint;
    for (const id of Object.keys(stateMachines) as StateMachineId[]) process.env[env.stateMachineArn(id)] = stepFunctions.stateMachineArns[id];

    const pollers = startSqsPollers({ invoker: runtime, sqsEndpoint: sqs.endpoint, queueUrls: resources.queueUrls, queueArns: resources.queueArns });
    stops.push(pollers.stop);

    // Once queues, pollers and Step Functions are up: operation.failed is really delivered, admitted operations really start.
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodb.endpoint, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION }));
    const reconciled = await reconcileAfterRestart({ db, tableName: resources.tableName, services: await compositionServices() }).finally(() => db.destroy());
    for (const { operationId, interruptedAt, phase } of reconciled.failed) {
      console.log(`Marked ${operationId} Failed: it was ${phase ? `in ${phase}` : 'starting'} when the local stack stopped (last activity ${interruptedAt}).`);
    }

    const front = await startHttpFront({
      runtime,
      port: options.port,
      // `/_local/ses`: where the SES v2 emulator is, for tools and tests that read the messages sent.
      extraRoutes: { '/.well-known/jwks.json': () => jwks(options.dataDir), '/_local/ses': async () => sesInfo },
      localControls: { '/_local/faults': (method, body) => faults.control(method, body) },
    });
    stops.push(front.stop);
    process.env[env.jwksUrl] = `${front.url}/.well-known/jwks.json`;
    // Payloads' trackingUrl is absolute, as in AWS (where the stack sets the stage URL).
    process.env[env.apiBaseUrl] = front.url;
    return { url: front.url, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
