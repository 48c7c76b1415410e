/** A problem+json answer (or any non-2xx) from the API, kept whole so callers can show `invalidParams`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; invalidParams?: { name: string; reason: string }[]; [key: string]: unknown },
  ) {
    const params = problem.invalidParams?.map((p) => `${p.name}: ${p.reason}`).join('; ');
    super(`${status} ${problem.title ?? 'Error'}${problem.detail ? `: ${problem.detail}` : ''}${params ? ` (${params})` : ''}`);
    this.name = 'ApiError';
  }
}

/** openapi-fetch answers `{ data, error, response }`; this turns the error half into a throw so call sites read straight. */
export function dataOf<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const problem = typeof result.error === 'object' && result.error !== null ? (result.error as ApiError['problem']) : { detail: String(result.error ?? '') };
    throw new ApiError(result.response.status, problem);
  }
  return result.data as T;
}
