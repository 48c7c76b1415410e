import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routes } from '../../../lib/topology.ts';
import { problemResponse } from '../../middleware/problem.ts';
import { requestLog } from '../../middleware/request-log.ts';

/** Answers every verb a routed path does not support, naming the ones it does. */
export const handler = requestLog(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const allowed = routes.filter((route) => route.path === event.resource).map((route) => route.method);
  const response = problemResponse(405, 'Method Not Allowed', `${event.httpMethod} is not supported on this resource`, event.path);
  return { ...response, headers: { ...response.headers, Allow: allowed.join(', ') } };
});
