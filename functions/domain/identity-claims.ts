import { guid } from '../schemas/common.ts';

/** User-pool attributes an administrator sets (the app client cannot write them). */
export const tenantAttribute = 'custom:tenantId';
export const projectsAttribute = 'custom:projectIds';
/** Group names that grant the same, for pools managed by groups: `tenant:<GUID>`, `project:<GUID>`. */
export const tenantGroupPrefix = 'tenant:';
export const projectGroupPrefix = 'project:';

export interface IdentityClaims {
  tenantId: string;
  projectIds: string[];
}

export interface IdentityClaimsOutcome {
  /** The claims to put into the token; absent when the user has no tenant or no project (the token then gets a 401). */
  claims?: IdentityClaims;
  /** Values that were not GUIDs or tenants that disagree: the operator's mistake, worth a log line. */
  ignored: string[];
}

const asGuid = (value: string): string | undefined => {
  const parsed = guid.safeParse(value.trim());
  return parsed.success ? parsed.data : undefined;
};

/** `a,b c` or a JSON list `["a","b"]`: both are easy to type into the console or the CLI. */
function listOf(value: string | undefined): string[] {
  if (!value?.trim()) return [];
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return [text];
    }
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * The `tenantId` and `projectIds` claims of a user, from the `custom:tenantId` / `custom:projectIds` attributes and
 * from `tenant:<GUID>` / `project:<GUID>` groups. The attribute names the tenant when both do; projects are the union.
 * Everything is lower-cased like the ids the API uses.
 */
export function identityClaimsOf(attributes: Record<string, string | undefined>, groups: readonly string[]): IdentityClaimsOutcome {
  const ignored: string[] = [];
  const valid = (values: string[]): string[] =>
    values.flatMap((value) => {
      const id = asGuid(value);
      if (id === undefined) ignored.push(value);
      return id === undefined ? [] : [id];
    });
  const groupValues = (prefix: string) => groups.filter((g) => g.startsWith(prefix)).map((g) => g.slice(prefix.length));

  const tenantFromAttribute = valid(listOf(attributes[tenantAttribute]).slice(0, 1));
  const tenantsFromGroups = [...new Set(valid(groupValues(tenantGroupPrefix)))];
  let tenantId = tenantFromAttribute[0];
  if (tenantId === undefined) {
    // Two tenant groups and no attribute: which tenant is meant is not ours to guess.
    if (tenantsFromGroups.length === 1) tenantId = tenantsFromGroups[0];
    else if (tenantsFromGroups.length > 1) ignored.push(...tenantsFromGroups);
  }
  const projectIds = [...new Set([...valid(listOf(attributes[projectsAttribute])), ...valid(groupValues(projectGroupPrefix))])];
  if (tenantId === undefined || projectIds.length === 0) return { ignored };
  return { claims: { tenantId, projectIds }, ignored };
}
