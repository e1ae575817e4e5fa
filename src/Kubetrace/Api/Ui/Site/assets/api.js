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
  try { body = text ? JSON.parse(text, exactRange) : null; } catch { /* not JSON: reported below */ }
  if (!response.ok) {
    throw new ApiError(response.status, body?.error?.message ?? `${response.status} ${response.statusText} ${text.slice(0, 200)}`);
  }
  if (body === null) throw new ApiError(response.status, `${url} answered without JSON.`);
  return body;
}

/**
 * An answer's range (an analysis's `start` and `end`, Unix nanoseconds, about 1.8e18) is beyond the integers a Number
 * holds exactly: parsed as one it moves by up to 128 ns, and a row's search over it could miss a span at its edge. It
 * is kept as its decimal text (BigInt(text) reads it exactly); a browser that gives no source text parses it as before.
 */
function exactRange(key, value, context) {
  const exact = (key === 'start' || key === 'end') && typeof value === 'number' && !Number.isSafeInteger(value) && /^\d+$/.test(context?.source ?? '');
  return exact ? context.source : value;
}
