// The Kubernetes objects a trace's spans name, each a link to its object timeline (the `object` analysis). The
// server reads them (GET /api/v1/traces/{id}/objects, Kubernetes/Analyses/Objects/NamedObjects): an apiserver
// handler's namespace, name and resource, the object of a request path, a pod's k8s.namespace.name + k8s.pod.name
// or kubelet's k8s.pod, for every resource, cluster-scoped ones included.
import { getJson } from '../api.js';

/** Map of span ID → [{ label, object, resource }]; empty when the server cannot say (the trace shows without links). */
export async function objectsOfTrace(traceId) {
  const bySpan = new Map();
  try {
    const { objects } = await getJson(`/api/v1/traces/${encodeURIComponent(traceId)}/objects`);
    for (const { spanId, object, resource } of objects) {
      if (!bySpan.has(spanId)) bySpan.set(spanId, []);
      bySpan.get(spanId).push({ object, resource, label: `${resource} ${object}` });
    }
  } catch {
    // No links: the trace itself is still shown.
  }
  return bySpan;
}

const hourNanos = 3_600_000_000_000n;

/**
 * The object timeline's range around a trace (its model: start, duration): the day before it, what led to it, and
 * the hour after, so a trace older than a day links to its own time, not to a look-back from now.
 */
export function aroundTrace(trace) {
  return { start: trace.start - 24n * hourNanos, end: trace.start + BigInt(Math.ceil(trace.duration)) + hourNanos };
}

/** The link to an object's timeline over range ({ start, end } in Unix nanoseconds), or the last day without one. */
export function objectTimelineUrl({ object, resource }, range = null) {
  const params = new URLSearchParams(range ? { object, start: String(range.start), end: String(range.end) } : { object, since: '24h' });
  if (resource) params.set('resource', resource);
  return `/ui/analyses/object?${params}`;
}
