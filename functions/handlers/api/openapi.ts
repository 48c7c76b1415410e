import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routes } from '../../../lib/topology.ts';
import { openApiDocument, type OpenApiDocument } from '../../openapi/document.ts';
import { loadRouteContracts } from '../../openapi/route-contracts.ts';
import { apiBaseUrl } from '../../middleware/base-url.ts';
import { requestLog } from '../../middleware/request-log.ts';

let built: Promise<(serverUrl: string) => OpenApiDocument> | undefined;

/** Public: the OpenAPI 3.1 document of every topology route, built once per instance from the handlers' own schemas. */
export const handler = requestLog(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  built ??= loadRouteContracts(routes).then((contracts) => (serverUrl: string) => openApiDocument({ routes, contractOf: (id) => contracts.get(id), serverUrl }));
  const document = (await built)(apiBaseUrl(event) ?? '/');
  return { statusCode: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' }, body: JSON.stringify(document) };
});
