/**
 * Decoded OTLP shapes shared by the protobuf and JSON decoders.
 * Ids are lowercase hex; times stay bigint nanoseconds so nothing is rounded.
 * Field meanings follow opentelemetry-proto `trace/v1/trace.proto`.
 */

export type Attributes = Record<string, unknown>;

export interface DecodedEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface DecodedLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  flags?: number;
  attributes: Attributes;
}

export interface DecodedStatus {
  /** 0 UNSET, 1 OK, 2 ERROR (`Status.StatusCode`). */
  code: number;
  message?: string;
}

export interface DecodedScope {
  name: string;
  version?: string;
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceState?: string;
  flags?: number;
  name: string;
  /** 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER (`Span.SpanKind`). */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  status: DecodedStatus;
  events: DecodedEvent[];
  links: DecodedLink[];
  resource: Attributes;
  scope: DecodedScope;
}

/** What a decoder makes of one export request body. */
export interface DecodedExport {
  spans: DecodedSpan[];
  /** Resource attributes of every resource block (all signals). */
  resources: Attributes[];
}
