// What an empty store shows instead of an empty search: how to send data. The OTLP ports are `kubetrace serve`'s
// defaults on this page's host (the UI cannot see the receivers' configuration); the commands are the CLI's own.
import { h } from './dom.js';

const host = () => location.hostname || '127.0.0.1';

export function firstRunHelp() {
  const command = text => h('pre', { class: 'command' }, h('code', {}, text));
  return h('div', { class: 'first-run', role: 'note' },
    h('h2', {}, 'No traces yet: send some'),
    h('p', {}, 'Kubetrace receives OpenTelemetry traces over OTLP on ',
      h('code', {}, `${host()}:4317`), ' (gRPC) and ', h('code', {}, `http://${host()}:4318/v1/traces`),
      ' (HTTP), the ports of ', h('code', {}, 'kubetrace serve'), ' unless its configuration says otherwise.'),
    h('h3', {}, 'Try it with a simulated cluster'),
    h('p', {}, 'A control plane\'s traces (apiserver, etcd, kubelets, containerd) with planted problems, the last hour at once:'),
    command(`kubetrace simulate --endpoint ${host()}:4317 --backfill 1h --scenario slow-webhook,etcd-slow`),
    h('h3', {}, 'Trace a real cluster'),
    h('p', {}, 'Each component needs its tracing configuration pointed at this server; the CLI prints it:'),
    command(['apiserver', 'kubelet', 'etcd', 'containerd']
      .map(c => `kubetrace k8s tracing-config --component ${c} --endpoint ${host()}:4317`).join('\n')),
    h('p', { class: 'muted' }, 'Any OpenTelemetry SDK or Collector can send here too: set ',
      h('code', {}, `OTEL_EXPORTER_OTLP_ENDPOINT=http://${host()}:4317`), '. This page fills in as spans arrive; reload it.'));
}
