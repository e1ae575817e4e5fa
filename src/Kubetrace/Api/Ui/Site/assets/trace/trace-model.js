// A trace as the trace view needs it, from the native API's OTLP/JSON (GET /api/v1/traces/{id}): one flat list of
// spans in tree order (each after its parent, siblings by start time), with service, depth and times relative to
// the trace's start. A span whose parent never arrived is drawn as a root.
import { between } from '../format.js';

const kinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const statusCodes = ['unset', 'ok', 'error'];

export function buildTrace(otlp) {
  const spans = [];
  for (const resourceSpans of otlp.resourceSpans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes);
    const service = resource.find(([key]) => key === 'service.name')?.[1] ?? 'unknown service';
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeSpans.scope ?? {};
      for (const span of scopeSpans.spans ?? []) spans.push(spanOf(span, service, resource, scope));
    }
  }
  if (spans.length === 0) throw new Error('The trace has no spans.');

  const start = spans.reduce((min, s) => (s.start < min ? s.start : min), spans[0].start);
  const end = spans.reduce((max, s) => (s.end > max ? s.end : max), spans[0].end);
  const byId = new Map(spans.map(s => [s.spanId, s]));
  const roots = [];
  for (const span of spans) {
    span.offset = between(start, span.start);
    const parent = span.parentSpanId && byId.get(span.parentSpanId);
    if (parent && parent !== span) parent.children.push(span);
    else roots.push(span);
  }
  const ordered = [];
  const visit = (span, depth) => {
    if (span.depth !== undefined) return;
    span.depth = depth;
    ordered.push(span);
    span.children.sort((a, b) => a.offset - b.offset).forEach(child => visit(child, depth + 1));
  };
  roots.sort((a, b) => a.offset - b.offset).forEach(root => visit(root, 0));
  // Spans whose parents form a cycle (a broken client) are reached from no root: show them anyway.
  spans.filter(s => s.depth === undefined).forEach(span => visit(span, 0));

  return {
    traceId: spans[0].traceId,
    start,
    duration: between(start, end),
    spans: ordered,
    byId,
    root: roots[0],
    services: [...new Set(ordered.map(s => s.service))],
    errors: ordered.filter(s => s.status === 'error').length,
  };
}

function spanOf(span, service, resource, scope) {
  const start = BigInt(span.startTimeUnixNano ?? 0);
  const end = BigInt(span.endTimeUnixNano ?? span.startTimeUnixNano ?? 0);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? '',
    name: span.name ?? '',
    kind: kinds[span.kind ?? 0] ?? String(span.kind),
    service,
    resource,
    scope,
    start,
    end,
    duration: end > start ? Number(end - start) : 0,
    attributes: attributes(span.attributes),
    events: (span.events ?? []).map(e => ({ name: e.name ?? '', time: BigInt(e.timeUnixNano ?? 0), attributes: attributes(e.attributes) })),
    links: (span.links ?? []).map(l => ({ traceId: l.traceId, spanId: l.spanId, attributes: attributes(l.attributes) })),
    status: statusCodes[span.status?.code ?? 0] ?? 'unset',
    statusMessage: span.status?.message ?? '',
    children: [],
    depth: undefined,
  };
}

/** OTLP KeyValue list → [[key, readable value]]. */
export function attributes(list) {
  return (list ?? []).map(kv => [kv.key, valueText(kv.value)]);
}

function valueText(value) {
  if (!value) return '';
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return String(value.intValue);
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return String(value.boolValue);
  if ('bytesValue' in value) return value.bytesValue;
  if ('arrayValue' in value) return `[${(value.arrayValue.values ?? []).map(valueText).join(', ')}]`;
  if ('kvlistValue' in value) return `{${attributes(value.kvlistValue.values).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  return '';
}
