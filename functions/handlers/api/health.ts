import type { APIGatewayProxyResult } from 'aws-lambda';
import { jsonResponse } from '../../middleware/problem.ts';

/** Public liveness check: the gateway and this function answer. */
export const handler = async (): Promise<APIGatewayProxyResult> => jsonResponse(200, { status: 'ok' });
