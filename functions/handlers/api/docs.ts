import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiReferenceScript } from '../../../lib/topology.ts';
import { requestLog } from '../../middleware/request-log.ts';

/** Relative URLs, so the page works under an API Gateway stage prefix as well as at the root. */
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Process-mining jobs API</title>
</head>
<body>
<div id="app"></div>
<script src="docs/reference.js"></script>
<script>
  // Nothing leaves for third parties: no web fonts, no telemetry, no hosted AI agent or MCP offers.
  Scalar.createApiReference('#app', { url: 'openapi.json', withDefaultFonts: false, telemetry: false, agent: { disabled: true }, mcp: { disabled: true } });
</script>
</body>
</html>
`;

let script: string | undefined;

/**
 * The package file, found up the directory tree: beside the bundle in AWS (copied there as a bundled file), in the
 * project's node_modules locally. Its package exports do not include it, so module resolution cannot find it.
 */
function referenceScript(): string {
  if (script !== undefined) return script;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, apiReferenceScript);
    if (existsSync(candidate)) return (script = readFileSync(candidate, 'utf8'));
    if (dirname(dir) === dir) throw new Error(`${apiReferenceScript} not found`);
  }
}

/** Public: the API reference page (`/docs`) and its script (`/docs/reference.js`), rendered in the browser from /openapi.json. */
export const handler = requestLog(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  event.resource === '/docs/reference.js'
    ? { statusCode: 200, headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }, body: referenceScript() }
    : { statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=300' }, body: page },
);
