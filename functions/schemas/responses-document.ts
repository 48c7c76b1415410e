import { z } from 'zod';

/** `GET /openapi.json`: an OpenAPI 3.1 document; its own structure is checked by an OpenAPI validator, not here. */
export const openApiDocumentBody = z
  .object({ openapi: z.string().regex(/^3\.1\./), info: z.object({ title: z.string(), version: z.string() }).loose(), paths: z.record(z.string(), z.unknown()) })
  .loose();
