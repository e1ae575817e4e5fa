// The Kubernetes objects a span names, each a link to its object timeline (the `object` analysis): the pod of
// the resource or span attributes (k8s.namespace.name + k8s.pod.name), and the object of an apiserver request's
// URL (/api/v1/namespaces/{ns}/{resource}/{name}, /apis/{group}/{version}/namespaces/{ns}/{resource}/{name}).
const requestPath = /^\/apis?\/(?:[^/]+\/)?[^/]+\/namespaces\/([^/]+)\/([^/]+)\/([^/?]+)/;
const urlKeys = ['url.path', 'http.target', 'http.url', 'url.full'];

/** [{ label, object, resource }] for the span, without repeats. */
export function objectsOf(span) {
  const values = new Map([...span.resource, ...span.attributes]);
  const found = new Map();
  const add = (object, resource) => found.set(`${resource ?? ''} ${object}`, { object, resource, label: `${resource ? `${resource} ` : ''}${object}` });
  const namespace = values.get('k8s.namespace.name'), pod = values.get('k8s.pod.name');
  if (namespace && pod) add(`${namespace}/${pod}`, 'pods');
  for (const key of urlKeys) {
    const value = values.get(key);
    if (!value) continue;
    const path = value.startsWith('http') ? new URL(value).pathname : value;
    const match = path.match(requestPath);
    if (match && !match[3].startsWith('{')) add(`${decodeURIComponent(match[1])}/${decodeURIComponent(match[3])}`, match[2]);
  }
  return [...found.values()];
}

export function objectTimelineUrl({ object, resource }) {
  const params = new URLSearchParams({ object, since: '24h' });
  if (resource) params.set('resource', resource);
  return `/ui/analyses/object?${params}`;
}
