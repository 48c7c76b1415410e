import { ApiGatewayManagementApiClient, GetConnectionCommand, GoneException } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManagementApiSender } from '../../../functions/adapters/management-api-sender.ts';
import { startWebSocketGateway, type WebSocketGateway } from '../../../local/websocket-gateway.ts';

// Everything here runs on 127.0.0.1: the local WebSocket API and its @connections endpoint, and a ws client.
const invocations: { fn: string; event: any }[] = [];
let refuseWith: number | undefined;
let gateway: WebSocketGateway;
let client: ApiGatewayManagementApiClient;

beforeAll(async () => {
  gateway = await startWebSocketGateway({
    invoker: {
      invoke: async <T>(fn: string, event: unknown) => {
        invocations.push({ fn, event });
        return (fn === 'WebSocketConnect' && refuseWith ? { statusCode: refuseWith, body: 'no' } : { statusCode: 200, body: '' }) as T;
      },
    },
  });
  client = new ApiGatewayManagementApiClient({
    endpoint: gateway.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await gateway.stop();
});

/** Connects and resolves with the connection id the $connect function was given. */
async function open(query = '?token=t&afterSeq=2') {
  const socket = new WebSocket(`${gateway.url}/${query}`);
  const received: string[] = [];
  socket.on('message', (data) => received.push(String(data)));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const connectionId = invocations.filter((i) => i.fn === 'WebSocketConnect').at(-1)!.event.requestContext.connectionId as string;
  return { socket, received, closed, connectionId };
}

describe('the management API client against the local @connections endpoint', () => {
  it("runs $connect with API Gateway's event, sends, describes and closes through the SDK, then answers Gone", async () => {
    const { received, closed, connectionId } = await open();
    const connect = invocations.find((i) => i.fn === 'WebSocketConnect')!.event;
    expect(connect).toMatchObject({
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId },
      queryStringParameters: { token: 't', afterSeq: '2' },
    });
    expect(connectionId).toMatch(/^[A-Za-z0-9+/]{14}==$/);

    const sender = new ManagementApiSender(client);
    expect(await sender.send(connectionId, JSON.stringify({ type: 'event', sequence: 3 }))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(['{"type":"event","sequence":3}']);

    const described = await client.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(described.Identity?.SourceIp).toMatch(/127\.0\.0\.1/);
    expect(described.ConnectedAt).toBeInstanceOf(Date);

    await sender.close(connectionId);
    expect(await closed).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(invocations.at(-1)).toMatchObject({
      fn: 'WebSocketDisconnect',
      event: { requestContext: { routeKey: '$disconnect', connectionId, disconnectStatusCode: 1000 } },
    });

    // Gone: the sender reports it, closing again is not an error, and the raw SDK sees GoneException.
    expect(await sender.send(connectionId, '{}')).toBe(false);
    await expect(sender.close(connectionId)).resolves.toBeUndefined();
    await expect(client.send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(GoneException);
  });

  it('refuses the handshake with the status $connect answered', async () => {
    refuseWith = 401;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${gateway.url}/?token=forged`);
        socket.on('error', () => undefined);
        socket.once('unexpected-response', (request, response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        socket.once('open', () => reject(new Error('connected')));
      });
      expect(status).toBe(401);
    } finally {
      refuseWith = undefined;
    }
  });
});
