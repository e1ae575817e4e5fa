// The native API (/api/v1, docs/api.md) as the pages call it: JSON in, JSON out, and on failure an ApiError that
// carries the server's own message ({"error":{"code","message"}}), which the pages show as is.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** GET path?params → the parsed JSON body; throws ApiError for an HTTP error or an unreachable server. */
export async function getJson(path, params) {
  const query = params ? new URLSearchParams(params).toString() : '';
  const url = query ? `${path}?${query}` : path;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, `Cannot reach the Kubetrace server (${e.message}).`);
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (!response.ok) {
    throw new ApiError(response.status, body?.error?.message ?? `${response.status} ${response.statusText} ${text.slice(0, 200)}`);
  }
  if (body === null) throw new ApiError(response.status, `${url} answered without JSON.`);
  return body;
}
