// Sends one fixed nested trace to an OTLP endpoint with the real OpenTelemetry JS exporters, then prints what
// was sent as JSON on stdout, so the Kubetrace end-to-end tests can compare it with what the server wrote.
//
//   node send.mjs --protocol grpc|proto|http --endpoint http://127.0.0.1:4317 [--compression gzip|none]
//                 [--ca-file ca.crt [--cert-file client.crt --key-file client.key]]   (an https endpoint: TLS, mTLS)
//
// grpc = @opentelemetry/exporter-trace-otlp-grpc, proto = -proto (HTTP/protobuf), http = -http (HTTP/JSON).
// For proto and http the endpoint is the receiver's base URL; /v1/traces is appended.
// Exits 2 on bad arguments, 1 when the exporter reports a failure.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { credentials } from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';

const EXPORT_SUCCESS = 0; // ExportResultCode.SUCCESS in @opentelemetry/core

function usage(message) {
  process.stderr.write(`${message}\nusage: node send.mjs --protocol grpc|proto|http --endpoint URL [--compression gzip|none]\n`);
  process.exit(2);
}

function createExporter(protocol, endpoint, compression, tls) {
  const base = endpoint.replace(/\/+$/, '');
  // The exporters take the CompressionAlgorithm enum, whose values are these strings.
  if (compression !== 'gzip' && compression !== 'none') return usage(`unknown compression: ${compression}`);
  // TLS as each exporter takes it: grpc-js channel credentials, or the https agent's options (Node's tls settings).
  const grpcTls = tls ? { credentials: credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null) } : {};
  const httpTls = tls ? { httpAgentOptions: { ca: tls.ca, cert: tls.cert, key: tls.key } } : {};
  switch (protocol) {
    case 'grpc': return new GrpcExporter({ url: base, compression, ...grpcTls });
    case 'proto': return new ProtoExporter({ url: `${base}/v1/traces`, compression, ...httpTls });
    case 'http': return new JsonExporter({ url: `${base}/v1/traces`, compression, ...httpTls });
    default: return usage(`unknown protocol: ${protocol}`);
  }
}

/** Remembers every span handed to the real exporter and every result it reported. */
class RecordingExporter {
  constructor(inner) { this.inner = inner; this.spans = []; this.failures = []; }
  export(spans, done) {
    this.spans.push(...spans);
    this.inner.export(spans, (result) => {
      if (result.code !== EXPORT_SUCCESS) this.failures.push(String(result.error ?? 'export failed'));
      done(result);
    });
  }
  forceFlush() { return this.inner.forceFlush?.() ?? Promise.resolve(); }
  shutdown() { return this.inner.shutdown(); }
}

const hex = (bytes) => randomBytes(bytes).toString('hex');
const nanos = ([seconds, ns]) => (BigInt(seconds) * 1_000_000_000n + BigInt(ns)).toString();
// HrTime [seconds, nanoseconds]: the SDK keeps it as given, so the expected times are exact to the nanosecond.
const at = (offsetNanos) => [1795600800, 123456789 + offsetNanos];
const ms = 1_000_000;

function sendTrace(tracer, protocol, compression) {
  // The server span continues a trace propagated from a remote caller (as kube-apiserver does from kubectl).
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: hex(16), spanId: hex(8), traceFlags: TraceFlags.SAMPLED, isRemote: true,
    traceState: createTraceState('kubetrace=e2e,vendor=js'),
  });
  const server = tracer.startSpan('GET /api/v1/namespaces/kube-system/configmaps', {
    kind: SpanKind.SERVER,
    startTime: at(0),
    attributes: {
      'client.protocol': protocol,
      'client.compression': compression,
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'apiserver.cache.hit': true,
      'apiserver.latency.ratio': 0.25,
      'k8s.resource.names': ['configmaps', 'configmaps/status'],
      'retry.delays.ms': [10, 20, 40],
      'quantiles': [0.5, 0.99],
      'feature.gates': [true, false],
    },
  }, remoteParent);
  const serverContext = trace.setSpan(ROOT_CONTEXT, server);

  const client = tracer.startSpan('etcd.Txn', {
    kind: SpanKind.CLIENT,
    startTime: at(10 * ms),
    attributes: { 'db.system.name': 'etcd', 'etcd.revision': 123456789012 },
  }, serverContext);
  client.addEvent('etcd.retry', { 'attempt': 2, 'reason': 'leader changed', 'backoff.seconds': 0.05, 'retried': true }, at(50 * ms + 1));
  client.addEvent('etcd.response', at(60 * ms + 7));

  const decode = tracer.startSpan('watch.decode', {
    kind: SpanKind.INTERNAL,
    startTime: at(150 * ms),
    attributes: { 'objects.decoded': 42 },
    links: [{
      context: { traceId: hex(16), spanId: hex(8), traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: createTraceState('upstream=1') },
      attributes: { 'link.reason': 'watch cache refill', 'link.count': 1 },
    }],
  }, trace.setSpan(ROOT_CONTEXT, client));
  decode.end(at(190 * ms));

  client.setStatus({ code: SpanStatusCode.ERROR, message: 'etcdserver: leader changed' });
  client.end(at(200 * ms + 3));

  const audit = tracer.startSpan('audit.emit', { kind: SpanKind.PRODUCER, startTime: at(220 * ms) }, serverContext);
  audit.end(at(221 * ms));

  server.setStatus({ code: SpanStatusCode.OK });
  server.end(at(250 * ms));
}

/** What the exporter was handed, in OTLP terms (kinds and flags as the OTLP transformer maps them). */
function describe(span) {
  const flags = (traceFlags, isRemote) => (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);
  const context = span.spanContext();
  return {
    name: span.name,
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    traceState: context.traceState?.serialize() ?? '',
    flags: flags(context.traceFlags, span.parentSpanContext?.isRemote),
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, timeUnixNano: nanos(e.time), attributes: e.attributes ?? {} })),
    links: span.links.map((l) => ({
      traceId: l.context.traceId, spanId: l.context.spanId, traceState: l.context.traceState?.serialize() ?? '',
      flags: flags(l.context.traceFlags, l.context.isRemote), attributes: l.attributes ?? {},
    })),
    status: { code: span.status.code, message: span.status.message ?? '' },
  };
}

const { values } = parseArgs({
  options: {
    protocol: { type: 'string' }, endpoint: { type: 'string' }, compression: { type: 'string', default: 'none' },
    'ca-file': { type: 'string' }, 'cert-file': { type: 'string' }, 'key-file': { type: 'string' },
  },
});
if (!values.protocol || !values.endpoint) usage('--protocol and --endpoint are required');
if (Boolean(values['cert-file']) !== Boolean(values['key-file'])) usage('--cert-file and --key-file go together');
if (values['cert-file'] && !values['ca-file']) usage('--cert-file needs --ca-file');
const tls = values['ca-file'] ? {
  ca: readFileSync(values['ca-file']),
  cert: values['cert-file'] ? readFileSync(values['cert-file']) : undefined,
  key: values['key-file'] ? readFileSync(values['key-file']) : undefined,
} : null;

const exporter = new RecordingExporter(createExporter(values.protocol, values.endpoint, values.compression, tls));
const resource = resourceFromAttributes({
  'service.name': 'e2e-js-client',
  'service.version': '7.8.9',
  'k8s.cluster.name': 'kind-e2e',
  'k8s.node.count': 3,
  'host.arm64': false,
  'cluster.load': 0.75,
});
const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
const tracer = provider.getTracer('kubetrace.e2e.js', '4.5.6');

sendTrace(tracer, values.protocol, values.compression);
try {
  await provider.forceFlush();
  await provider.shutdown();
} catch (error) {
  exporter.failures.push(String(error?.message ?? error));
}

if (exporter.failures.length > 0) {
  process.stderr.write(`export failed: ${exporter.failures.join('; ')}\n`);
  process.exit(1);
}
const first = exporter.spans[0];
process.stdout.write(JSON.stringify({
  protocol: values.protocol,
  resource: first.resource.attributes,
  scope: { name: first.instrumentationScope.name, version: first.instrumentationScope.version ?? '' },
  spans: exporter.spans.map(describe),
}) + '\n');
