import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.ts';
import type { ProjectScope } from '../domain/records.ts';

/** Who is calling, as the authorizer verified it from the bearer token. */
export interface Caller {
  tenantId: string;
  projectIds: string[];
  userId: string;
}

function projectIdsOf(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Tenant and project ids are canonical in lower case, as the path schemas make them: the authorizer already
 * lower-cases them; doing it again here keeps a context cached from an older authorizer from splitting a project.
 */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const context = event.requestContext.authorizer ?? {};
  return {
    tenantId: String(context.tenantId ?? '').toLowerCase(),
    projectIds: projectIdsOf(context.projectIds).map((id) => id.toLowerCase()),
    userId: String(context.userId ?? ''),
  };
}

/**
 * Another tenant's or project's resources do not exist for this caller: answering 404
 * rather than 403 does not reveal that they exist. Both sides are canonical (lower case)
 * by now, so the comparison is exact: a scope that is not canonical matches nothing.
 */
export function authorizeScope(caller: Caller, scope: ProjectScope): void {
  if (!caller.tenantId || caller.tenantId !== scope.tenantId || !caller.projectIds.includes(scope.projectId)) {
    throw new NotFoundError(`Project ${scope.projectId} of tenant ${scope.tenantId} does not exist`);
  }
}
