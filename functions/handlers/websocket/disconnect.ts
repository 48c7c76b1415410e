import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { streamService } from '../../composition.ts';

/** `$disconnect` (either side closed): the connection is forgotten; a reconnect with `afterSeq` resumes from the log. */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResult> => {
  await streamService().disconnect(event.requestContext.connectionId);
  return { statusCode: 200, body: '' };
};
