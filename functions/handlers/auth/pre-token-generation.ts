import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { identityClaimsOf } from '../../domain/identity-claims.ts';
import { keyedHandler } from '../../observability/log-keys.ts';
import { logger } from '../../observability/logger.ts';

/**
 * Cognito pre-token-generation trigger (event version 2): puts the user's `tenantId` and `projectIds` into the ID
 * token, which the API's authorizer requires. Version 2 accepts a list as a claim value, version 1 only strings.
 * A user without a tenant or a project gets a token without them, so every API call answers 401.
 */
export const handler = keyedHandler(
  (event: PreTokenGenerationV2TriggerEvent) => ({ userPoolId: event.userPoolId }),
  async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
    const { claims, ignored } = identityClaimsOf(event.request.userAttributes, event.request.groupConfiguration?.groupsToOverride ?? []);
    if (ignored.length > 0 || !claims) {
      logger.warn('token without complete tenant claims', { userName: event.userName, ignored, hasClaims: Boolean(claims) });
    }
    if (!claims) return event;
    // The type declares string values only; Cognito's V2 event takes arrays too.
    const claimsToAddOrOverride = { tenantId: claims.tenantId, projectIds: claims.projectIds } as unknown as Record<string, string>;
    event.response = {
      claimsAndScopeOverrideDetails: { ...event.response?.claimsAndScopeOverrideDetails, idTokenGeneration: { claimsToAddOrOverride } },
    };
    return event;
  },
);
