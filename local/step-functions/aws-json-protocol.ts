import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A client error in the AWS JSON 1.0 shape: `__type` and `x-amzn-errortype` carry `type`. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** One operation, by the name after `AWSStepFunctions.` in `x-amz-target`. */
export type Actions = Record<string, (request: Record<string, unknown>) => unknown>;

/** Listens on 127.0.0.1 (`port` 0: a free one) and dispatches each POST to its action. */
export async function listenAwsJson(port: number, actions: Actions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    void handleRequest(req, res, actions);
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, actions: Actions): Promise<void> {
  const requestId = randomUUID();
  const send = (status: number, body: unknown, errorType?: string): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': requestId,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(text);
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST') throw new ApiError('UnknownOperationException', `Method ${req.method ?? ''} is not supported`);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith('AWSStepFunctions.') ? actions[target.slice('AWSStepFunctions.'.length)] : undefined;
    if (!action) throw new ApiError('UnknownOperationException', `Operation '${target}' is not supported by the local Step Functions endpoint`);
    let request: unknown;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      request = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new ApiError('SerializationException', 'Request body is not valid JSON');
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request)) throw new ApiError('SerializationException', 'Request body must be a JSON object');
    send(200, withoutUndefined(action(request as Record<string, unknown>)));
  } catch (error) {
    if (error instanceof ApiError) {
      send(400, { __type: error.type, message: error.message }, error.type);
    } else {
      send(500, { __type: 'InternalServerError', message: (error as Error).message ?? String(error) }, 'InternalServerError');
    }
  }
}

function withoutUndefined(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {})) as unknown;
}
