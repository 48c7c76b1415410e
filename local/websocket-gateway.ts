import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { WebSocket, WebSocketServer } from 'ws';
import { webSocketRoutes, type FunctionId } from '../lib/topology.ts';

export interface FunctionInvoker {
  invoke<T = unknown>(id: FunctionId, event: unknown): Promise<T>;
}

export interface WebSocketGateway {
  /** Where clients connect (`ws://127.0.0.1:<port>`). */
  url: string;
  /** The `@connections` management endpoint (`http://127.0.0.1:<port>`), on the same port. */
  managementEndpoint: string;
  stop(): Promise<void>;
}

const stage = 'local';
const routeFunction = (routeKey: '$connect' | '$disconnect'): FunctionId => webSocketRoutes.find((route) => route.routeKey === routeKey)!.function;

/** API Gateway's connection ids: 16 characters of base64. */
const newConnectionId = () => randomBytes(10).toString('base64');

function requestContext(routeKey: string, eventType: 'CONNECT' | 'DISCONNECT', connectionId: string, connectedAt: number) {
  return {
    routeKey,
    eventType,
    connectionId,
    connectedAt,
    stage,
    domainName: '127.0.0.1',
    apiId: 'local',
    requestId: randomUUID(),
    requestTimeEpoch: Date.now(),
    messageDirection: 'IN',
  };
}

/** The management API's error shape: the SDK reads the error name from the header (restJson1). */
function managementError(response: ServerResponse, status: number, name: string, message: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': name });
  response.end(JSON.stringify({ message }));
}

/**
 * The local WebSocket API: the handshake runs the `$connect` function (any status but 200 refuses it with that
 * status), a close by either side runs `$disconnect`, and `/@connections/{connectionId}` speaks the management API's
 * wire protocol (POST sends the raw body as one text message, DELETE closes with 1000, GET describes; 410
 * GoneException for a connection that is not open), so the delivery code runs unchanged against it.
 */
export async function startWebSocketGateway(options: { invoker: FunctionInvoker; port?: number }): Promise<WebSocketGateway> {
  const open = new Map<string, { socket: WebSocket; connectedAt: number; sourceIp: string; userAgent: string }>();
  const sockets = new WebSocketServer({ noServer: true });

  const server = createServer((request, response) => {
    void manage(request, response).catch((error: unknown) =>
      managementError(response, 500, 'InternalServerErrorException', error instanceof Error ? error.message : String(error)),
    );
  });

  async function manage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/@connections\/([^/?]+)$/.exec((request.url ?? '').split('?')[0]!);
    if (!match) return managementError(response, 404, 'NotFoundException', 'No such route');
    const connectionId = decodeURIComponent(match[1]!);
    const connection = open.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN)
      return managementError(response, 410, 'GoneException', `Connection ${connectionId} is gone`);
    if (request.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      // API Gateway sends the posted data as a text frame.
      connection.socket.send(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200).end();
    } else if (request.method === 'DELETE') {
      connection.socket.close(1000);
      response.writeHead(204).end();
    } else if (request.method === 'GET') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      // The wire names (jsonName) are lower camel case.
      response.end(
        JSON.stringify({
          connectedAt: new Date(connection.connectedAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
          lastActiveAt: new Date().toISOString(),
        }),
      );
    } else managementError(response, 405, 'MethodNotAllowedException', 'Method not allowed');
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handshake(request, socket, head).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'ERROR', message: 'WebSocket handshake failed', error: error instanceof Error ? error.message : String(error) }));
      refuse(socket, 500, 'Internal error');
    });
  });

  async function handshake(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const connectionId = newConnectionId();
    const connectedAt = Date.now();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const queryStringParameters = Object.fromEntries(url.searchParams);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]));
    const result = await options.invoker.invoke<APIGatewayProxyResult>(routeFunction('$connect'), {
      requestContext: requestContext('$connect', 'CONNECT', connectionId, connectedAt),
      queryStringParameters: Object.keys(queryStringParameters).length ? queryStringParameters : null,
      headers,
      isBase64Encoded: false,
    });
    if (result?.statusCode !== 200) return refuse(socket, result?.statusCode ?? 500, typeof result?.body === 'string' ? result.body : '');
    sockets.handleUpgrade(request, socket, head, (ws) => {
      open.set(connectionId, {
        socket: ws,
        connectedAt,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: String(request.headers['user-agent'] ?? ''),
      });
      ws.on('close', (code) => {
        open.delete(connectionId);
        void options.invoker
          .invoke(routeFunction('$disconnect'), {
            requestContext: { ...requestContext('$disconnect', 'DISCONNECT', connectionId, connectedAt), disconnectStatusCode: code },
            isBase64Encoded: false,
          })
          .catch((error: unknown) =>
            console.error(
              JSON.stringify({
                level: 'ERROR',
                message: 'WebSocket disconnect failed',
                connectionId,
                error: error instanceof Error ? error.message : String(error),
              }),
            ),
          );
      });
    });
  }

  function refuse(socket: Duplex, status: number, body: string): void {
    if (socket.destroyed) return;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    managementEndpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const { socket } of open.values()) socket.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
