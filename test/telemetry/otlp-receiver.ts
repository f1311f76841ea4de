import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OTLP attribute as the JSON encoding writes it. */
interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
}

/** One span, flattened out of an `ExportTraceServiceRequest` (OTLP/HTTP JSON). */
export interface ReceivedSpan {
  scope: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** 2 is ERROR. */
  statusCode: number;
  attributes: Record<string, string | number | boolean>;
  links: Array<{ traceId: string; spanId: string }>;
  resource: Record<string, string | number | boolean>;
}

/** One data point of a metric, flattened out of an `ExportMetricsServiceRequest`. */
export interface ReceivedPoint {
  metric: string;
  unit: string;
  /** `sum`, `gauge` or `histogram`. */
  type: string;
  attributes: Record<string, string | number | boolean>;
  /** The sum's or the gauge's value; a histogram's sum. */
  value: number;
  /** A histogram's count. */
  count?: number;
}

/**
 * A loopback OTLP/HTTP receiver: accepts `POST /v1/traces`, `/v1/metrics` and `/v1/logs` with
 * JSON bodies (the OTLP JSON encoding), as a collector does on port 4318, and keeps what arrived.
 */
export interface OtlpReceiver {
  /** The base endpoint, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  spans(): ReceivedSpan[];
  /** The points of each metrics export, in arrival order (cumulative sums: the last holds the totals). */
  metricExports(): ReceivedPoint[][];
  /** Log records' bodies and their trace ids. */
  logRecords(): Array<{ body: string; traceId: string; spanId: string }>;
  /** Paths and content types of every request received. */
  requests(): Array<{ path: string; contentType: string }>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const metricExports: ReceivedPoint[][] = [];
  const logRecords: Array<{ body: string; traceId: string; spanId: string }> = [];
  const requests: Array<{ path: string; contentType: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const contentType = req.headers['content-type'] ?? '';
      requests.push({ path, contentType });
      if (req.method !== 'POST' || !contentType.startsWith('application/json')) {
        res.writeHead(415, { 'content-type': 'application/json' });
        res.end('{"message":"This receiver accepts OTLP/HTTP JSON only."}');
        return;
      }
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400);
        res.end();
        return;
      }
      if (path === '/v1/traces') spans.push(...readSpans(body));
      else if (path === '/v1/metrics') metricExports.push(readPoints(body));
      else if (path === '/v1/logs') logRecords.push(...readLogs(body));
      else {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...spans],
    metricExports: () => [...metricExports],
    logRecords: () => [...logRecords],
    requests: () => [...requests],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) result[key] = value.stringValue;
    else if (value.intValue !== undefined) result[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) result[key] = value.doubleValue;
    else if (value.boolValue !== undefined) result[key] = value.boolValue;
  }
  return result;
}

function readSpans(body: any): ReceivedSpan[] {
  const result: ReceivedSpan[] = [];
  for (const resourceSpans of body.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        result.push({
          scope: scopeSpans.scope?.name ?? '',
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind,
          statusCode: span.status?.code ?? 0,
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).map((link: any) => ({ traceId: link.traceId, spanId: link.spanId })),
          resource,
        });
      }
    }
  }
  return result;
}

function readPoints(body: any): ReceivedPoint[] {
  const result: ReceivedPoint[] = [];
  for (const resourceMetrics of body.resourceMetrics ?? []) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scopeMetrics.metrics ?? []) {
        for (const type of ['sum', 'gauge', 'histogram'] as const) {
          for (const point of metric[type]?.dataPoints ?? []) {
            const value = type === 'histogram' ? Number(point.sum ?? 0) : Number(point.asDouble ?? point.asInt ?? 0);
            result.push({
              metric: metric.name,
              unit: metric.unit ?? '',
              type,
              attributes: attributesOf(point.attributes),
              value,
              ...(type === 'histogram' ? { count: Number(point.count) } : {}),
            });
          }
        }
      }
    }
  }
  return result;
}

function readLogs(body: any): Array<{ body: string; traceId: string; spanId: string }> {
  const result: Array<{ body: string; traceId: string; spanId: string }> = [];
  for (const resourceLogs of body.resourceLogs ?? []) {
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      for (const record of scopeLogs.logRecords ?? []) {
        result.push({ body: String(record.body?.stringValue ?? ''), traceId: record.traceId ?? '', spanId: record.spanId ?? '' });
      }
    }
  }
  return result;
}
