// Find in trace: the spans whose service, name, span ID or any attribute (key or value) contains the text, case
// insensitive, as Jaeger's "Find" does. The waterfall and the flame graph highlight them.

/** The IDs of the spans matching `text` (an empty text matches none). */
export function findSpans(trace, text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return new Set();
  const has = value => String(value).toLowerCase().includes(wanted);
  return new Set(trace.spans.filter(span =>
    has(span.service) || has(span.name) || has(span.spanId) ||
    [...span.attributes, ...span.resource].some(([key, value]) => has(key) || has(value)))
    .map(span => span.spanId));
}
