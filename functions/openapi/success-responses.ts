import type { z } from 'zod';
import type { FunctionId } from '../../lib/topology.ts';
import {
  cancelledOperation,
  createdDataset,
  datasetBody,
  datasetList,
  healthBody,
  operationList,
  operationStatusBody,
  rotatedSigningSecret,
  signingSecretMetadata,
  startedOperation,
  webhookBody,
  webhookList,
} from '../schemas/responses.ts';

/** A route's successful answer: status, and the zod schema of its body when one is written (otherwise a generic object). */
export interface SuccessResponse {
  status: 200 | 201 | 202 | 204;
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  /** Response headers worth naming, e.g. `Location` of a created resource. */
  headers?: Record<string, string>;
}

const location = { Location: 'Where to read what was created or accepted.' };
const ok = (description: string, schema: z.ZodType): SuccessResponse => ({ status: 200, description, schema });

/**
 * What each route answers on success, by function: what its handler's request schemas cannot tell. The typed bodies
 * are those with a schema; anything absent answers 200 with a JSON object.
 */
export const successResponses: Partial<Record<FunctionId, SuccessResponse>> = {
  Health: ok('The gateway and the function answer.', healthBody),
  CreateDataset: { status: 201, description: 'The dataset, with a presigned `PUT` upload for its file.', headers: location, schema: createdDataset },
  GetDataset: ok('The dataset; `Available` with `sizeBytes` once its file is uploaded.', datasetBody),
  ListDatasets: ok('A page of datasets; `nextToken` is opaque.', datasetList),
  StartOperation: {
    status: 202,
    description: 'The operation is accepted: `Initiated`, or `Queued` while the project is at its limit of active operations.',
    headers: location,
    schema: startedOperation,
  },
  GetOperation: ok('Status, progress, execution and phases.', operationStatusBody),
  ListOperations: ok('A page of operations and the project summary counts.', operationList),
  CancelOperation: ok('The operation is Cancelled; its execution is stopped shortly after.', cancelledOperation),
  GetSigningSecret: ok("Metadata of the project's callback signing secret; never the secret.", signingSecretMetadata),
  RotateSigningSecret: ok('The new signing secret, returned this once; the previous one keeps signing for 24 h.', rotatedSigningSecret),
  RetryOperation: { status: 202, description: 'The retry, a new operation.', headers: location },
  SubmitBatch: { status: 202, description: 'The batch and its operations.', headers: location },
  RegisterWebhook: { status: 201, description: 'The webhook; a generated secret is shown in this answer only.', headers: location, schema: webhookBody },
  GetWebhook: ok('The webhook with its delivery stats and `pausedUntil`; never its secret.', webhookBody),
  ListWebhooks: ok('A page of webhooks; `nextToken` is opaque.', webhookList),
  UpdateWebhook: ok('The webhook as changed.', webhookBody),
  SubscribeToJob: { status: 201, description: 'The subscription.' },
  DeleteWebhook: { status: 204, description: 'Deleted; deliveries already queued for it are dropped.' },
  DeleteJobSubscription: { status: 204, description: 'Deleted.' },
  RedeliverWebhookDelivery: { status: 202, description: 'The delivery is queued again.' },
  RedeliverSubscriptionDelivery: { status: 202, description: 'The delivery is queued again.' },
  ReplayWebhook: { status: 202, description: 'The replayed events are queued.' },
  OpenApi: { status: 200, description: 'This document.' },
  Docs: { status: 200, description: 'The API reference page, or its script.', contentType: 'text/html' },
};
