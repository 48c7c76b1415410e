import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { retentionSecondsFor } from './queue-retention.ts';
import {
  functions as functionTopology,
  queues as queueTopology,
  type FunctionId,
  type QueueDefinition,
  type QueueId,
} from '../topology.ts';

/**
 * A message must stay invisible for as long as its consumer may still be working on it, otherwise it is
 * delivered twice in parallel. Checked at synth time so a topology change cannot break it silently.
 */
export function assertVisibilityCoversConsumer(queueId: string, def: QueueDefinition): void {
  const consumerTimeout = functionTopology[def.consumer].timeoutSeconds;
  if (def.visibilityTimeoutSeconds < consumerTimeout) {
    throw new Error(
      `Queue ${queueId}: visibilityTimeoutSeconds (${def.visibilityTimeoutSeconds}) must be >= the timeout of its consumer ${def.consumer} (${consumerTimeout}s)`,
    );
  }
}

export interface QueuePair {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

/** One queue plus dead-letter queue per topology queue, each consumed by its topology consumer. */
export class Queues extends Construct {
  readonly byId: Record<QueueId, QueuePair>;

  constructor(scope: Construct, id: string, fns: Record<FunctionId, lambda.IFunction>) {
    super(scope, id);
    const entries = Object.entries(queueTopology) as [QueueId, (typeof queueTopology)[QueueId]][];
    this.byId = Object.fromEntries(
      entries.map(([queueId, def]) => {
        assertVisibilityCoversConsumer(queueId, def);
        const common = {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          removalPolicy: RemovalPolicy.DESTROY,
        } as const;
        const deadLetterQueue = new sqs.Queue(this, `${queueId}DeadLetterQueue`, {
          ...common,
          retentionPeriod: Duration.days(14),
        });
        const queue = new sqs.Queue(this, `${queueId}Queue`, {
          ...common,
          visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
          // Long enough for the longest retry a message may carry (queue-retention.ts); SQS's default 4 days is not.
          retentionPeriod: Duration.seconds(retentionSecondsFor(queueId)),
          deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
        });
        fns[def.consumer].addEventSource(
          new SqsEventSource(queue, { batchSize: def.batchSize, reportBatchItemFailures: true, maxConcurrency: def.maxConcurrency }),
        );
        return [queueId, { queue, deadLetterQueue }];
      }),
    ) as Record<QueueId, QueuePair>;
  }

  /** The consumed queues (not their dead-letter queues), by topology id. */
  queues(): Record<QueueId, sqs.IQueue> {
    const entries = Object.entries(this.byId) as [QueueId, QueuePair][];
    return Object.fromEntries(entries.map(([queueId, pair]) => [queueId, pair.queue as sqs.IQueue])) as Record<QueueId, sqs.IQueue>;
  }
}
