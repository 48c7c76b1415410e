import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routes } from '../../../lib/topology.ts';
import { openApiDocument, type OpenApiDocument } from '../../openapi/document.ts';
import { loadRouteContracts } from '../../openapi/route-contracts.ts';

let built: Promise<(serverUrl: string) => OpenApiDocument> | undefined;

/** Public: the OpenAPI 3.1 document of every topology route, built once per instance from the handlers' own schemas. */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  built ??= loadRouteContracts(routes).then((contracts) => (serverUrl: string) => openApiDocument({ routes, contractOf: (id) => contracts.get(id), serverUrl }));
  const document = (await built)(serverUrlOf(event));
  return { statusCode: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' }, body: JSON.stringify(document) };
};

/** The base URL the caller reached the API at: the execute-api stage prefix in AWS, none behind a custom domain or locally. */
function serverUrlOf(event: APIGatewayProxyEvent): string {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const host = headers.host;
  if (!host || !/^[\w.:[\]-]+$/.test(host)) return '/';
  const protocol = headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  const domain = event.requestContext?.domainName ?? '';
  const stage = domain.includes('.execute-api.') && event.requestContext?.stage ? `/${event.requestContext.stage}` : '';
  return `${protocol}://${host}${stage}`;
}
