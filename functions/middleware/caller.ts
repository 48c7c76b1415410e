import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.ts';
import type { ProjectScope } from '../domain/records.ts';

/** Who is calling, as the authorizer verified it from the bearer token. */
export interface Caller {
  tenantId: string;
  projectIds: string[];
  userId: string;
}

export function callerOf(event: APIGatewayProxyEvent): Caller {
  const context = event.requestContext.authorizer ?? {};
  const projectIds = typeof context.projectIds === 'string' ? (JSON.parse(context.projectIds) as string[]) : [];
  return { tenantId: String(context.tenantId ?? ''), projectIds, userId: String(context.userId ?? '') };
}

/**
 * Another tenant's or project's resources do not exist for this caller: answering 404
 * rather than 403 does not reveal that they exist.
 */
export function authorizeScope(caller: Caller, scope: ProjectScope): void {
  const lower = (value: string) => value.toLowerCase();
  if (lower(caller.tenantId) !== lower(scope.tenantId) || !caller.projectIds.some((p) => lower(p) === lower(scope.projectId))) {
    throw new NotFoundError(`Project ${scope.projectId} of tenant ${scope.tenantId} does not exist`);
  }
}
