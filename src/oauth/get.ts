import type { HttpClient } from '../io/httpClient.js';
import type { RawResponse } from '../io/rawRequest.js';

/**
 * A GET through the process's HTTP client, with its time limit (and the caller's abort signal),
 * without building a fetch Response (see HttpClient.request): discovery and userinfo use it, so
 * neither loads the OIDC client library.
 */
export function getWithTimeout(
  http: HttpClient,
  url: URL,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(http.timeoutMs);
  return http.request(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
}

/** A header of the answer (the first, if repeated), by case-insensitive name. */
export function headerOf(response: RawResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (let i = 0; i < response.rawHeaders.length; i += 2) {
    if (response.rawHeaders[i]!.toLowerCase() === wanted) return response.rawHeaders[i + 1];
  }
  return undefined;
}

/** The answer's body as a JSON object, or undefined when it is not one. */
export function jsonObjectOf(response: RawResponse): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(response.body.toString('utf8'));
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
