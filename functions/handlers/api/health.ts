import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from '../../middleware/problem.ts';
import { requestLog } from '../../middleware/request-log.ts';

/** Public liveness check: the gateway and this function answer. */
export const handler = requestLog(async (): Promise<APIGatewayProxyResult> => jsonResponse(200, { status: 'ok' }));
