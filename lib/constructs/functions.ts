import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_NODE_MAJOR, env, functions as functionTopology, nodeOptionsOf, type FunctionId } from '../topology.ts';
import { acknowledge, managedPolicy } from './nag.ts';

const RUNTIME = lambda.Runtime.NODEJS_24_X;
if (RUNTIME.name !== `nodejs${LAMBDA_NODE_MAJOR}.x`) {
  throw new Error(`Lambda runtime ${RUNTIME.name} does not match LAMBDA_NODE_MAJOR=${LAMBDA_NODE_MAJOR} in lib/topology.ts`);
}

export interface FunctionsProps {
  /** Absolute path of the project root (topology entries are relative to it). */
  readonly projectRoot: string;
  readonly logRetention: logs.RetentionDays;
  /** Settings every function gets. */
  readonly environment: Record<string, string>;
  /** Whether the stack creates its own Cognito user pool; without one, its trigger (`onlyWithCognitoPool`) is not built. */
  readonly withCognitoPool: boolean;
}

/** Copies run-time files (fonts, ...) into the bundle under the same relative path, so module resolution finds them. */
function copyFiles(files: readonly string[]) {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      files.map((file) => `mkdir -p "${path.posix.join(outputDir, path.posix.dirname(file))}" && cp "${path.posix.join(inputDir, file)}" "${path.posix.join(outputDir, file)}"`),
  };
}

/**
 * One bundled Node.js Lambda per topology function; access (environment, grants) is wired by `wireAccess`.
 * `byId` lacks the `onlyWithCognitoPool` functions when there is no pool; nothing but the pool refers to them.
 */
export class Functions extends Construct {
  readonly byId: Record<FunctionId, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const entries = (Object.entries(functionTopology) as [FunctionId, (typeof functionTopology)[FunctionId]][]).filter(
      ([, def]) => props.withCognitoPool || !def.onlyWithCognitoPool,
    );
    this.byId = Object.fromEntries(
      entries.map(([fnId, def]) => {
        const logGroup = new logs.LogGroup(this, `${fnId}Logs`, { retention: props.logRetention });
        const fn = new NodejsFunction(this, fnId, {
          entry: path.join(props.projectRoot, def.entry),
          handler: 'handler',
          projectRoot: props.projectRoot,
          depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
          runtime: RUNTIME,
          architecture: lambda.Architecture.ARM_64,
          memorySize: def.memoryMb,
          timeout: Duration.seconds(def.timeoutSeconds),
          tracing: lambda.Tracing.ACTIVE,
          logGroup,
          // Lambda's JSON log format keeps the Powertools JSON lines as they are and writes its own platform lines as JSON.
          loggingFormat: lambda.LoggingFormat.JSON,
          applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
          systemLogLevelV2: lambda.SystemLogLevel.WARN,
          environment: { NODE_OPTIONS: nodeOptionsOf(def).join(' '), [env.logFormat]: 'json', ...props.environment },
          bundling: {
            format: OutputFormat.ESM,
            mainFields: ['module', 'main'],
            // Some CommonJS dependencies call require(); ESM output has none unless we create it.
            banner: "import { createRequire as __cdkCreateRequire } from 'node:module'; const require = __cdkCreateRequire(import.meta.url);",
            minify: true,
            sourceMap: true,
            sourceMapMode: SourceMapMode.DEFAULT,
            sourcesContent: false,
            target: `node${LAMBDA_NODE_MAJOR}`,
            // Ship the SDK versions pinned in package-lock.json instead of whatever the runtime bundles.
            bundleAwsSDK: true,
            forceDockerBundling: false,
            ...(def.bundledFiles?.length ? { commandHooks: copyFiles(def.bundledFiles) } : {}),
          },
        });
        acknowledge(
          fn,
          'L1',
          `The runtime is pinned to Node.js ${LAMBDA_NODE_MAJOR} (LAMBDA_NODE_MAJOR in lib/topology.ts), the version the local runtime, the bundling target and the tests share; it is raised deliberately, not automatically.`,
        );
        acknowledge(
          fn,
          'IAM4',
          'AWSLambdaBasicExecutionRole only allows writing the function\'s own CloudWatch logs; it is the standard Lambda execution policy.',
          [managedPolicy('service-role/AWSLambdaBasicExecutionRole')],
        );
        acknowledge(
          fn,
          'IAM5',
          'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
          ['Resource::*'],
        );
        return [fnId, fn];
      }),
    ) as Record<FunctionId, NodejsFunction>;
  }
}
