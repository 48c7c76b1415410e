import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { streamService } from '../../composition.ts';
import { ConnectRefusedError } from '../../domain/stream-subscriptions.ts';

/** API Gateway passes the query string of a `$connect` as on a REST request. */
type ConnectEvent = APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string | undefined> | null };

/**
 * `$connect`: the connection token (`?token=…`, from the subscription's answer) decides; any answer but 200 refuses the
 * WebSocket handshake with that HTTP status. `afterSeq` says what the client has already received.
 */
export const handler = async (event: ConnectEvent): Promise<APIGatewayProxyResult> => {
  const query = event.queryStringParameters ?? {};
  try {
    await streamService().connect({ connectionId: event.requestContext.connectionId, token: query.token, jobId: query.jobId, afterSeq: query.afterSeq });
    return { statusCode: 200, body: '' };
  } catch (error) {
    if (error instanceof ConnectRefusedError) return { statusCode: error.statusCode, body: error.message };
    console.error(
      JSON.stringify({
        level: 'ERROR',
        message: 'WebSocket connect failed',
        connectionId: event.requestContext.connectionId,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    return { statusCode: 500, body: 'Internal error' };
  }
};
