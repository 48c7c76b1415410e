import { z } from 'zod';

/** RFC 9457 problem details, the body of every error response (functions/middleware/problem.ts writes it). */
export const problemBody = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    instance: z.string().optional(),
    /** The offending fields of a 400 or 422, e.g. `body.parameters.datasetId`, `query.pageSize`, `header.Idempotency-Key`. */
    invalidParams: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
  })
  // Some problems carry extensions (`retryOperationId`, `limit`, ...).
  .loose();
