import type { DecodedSpan } from './otlp-types.ts';

const KIND_NAMES = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['', 'ok', 'ERROR'];
const BAR_WIDTH = 30;
const LABEL_WIDTH = 36;

/**
 * Renders spans as one waterfall per trace: nesting by parent, a bar placed on the trace's
 * time line, duration, kind and status. Spans whose parent was not received (e.g. the
 * caller's span in another service) are shown as roots of their trace.
 */
export function renderTraceTree(spans: readonly DecodedSpan[]): string {
  const lines: string[] = [];
  for (const [traceId, traceSpans] of groupBy(spans, (span) => span.traceId)) {
    const start = minBigint(traceSpans.map((span) => span.startTimeUnixNano));
    const end = maxBigint(traceSpans.map((span) => span.endTimeUnixNano));
    const total = Number(end - start) || 1;
    lines.push(`trace ${traceId} (${formatMs(total)})`);
    const ids = new Set(traceSpans.map((span) => span.spanId));
    const children = groupBy(traceSpans, (span) => (ids.has(span.parentSpanId) ? span.parentSpanId : ''));
    const rows: { span: DecodedSpan; label: string }[] = [];
    const visit = (parentId: string, depth: number): void => {
      const siblings = [...(children.get(parentId) ?? [])].sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
      for (const span of siblings) {
        rows.push({ span, label: `${'  '.repeat(depth)}${span.name}` });
        visit(span.spanId, depth + 1);
      }
    };
    visit('', 0);
    // Every bar starts in one column, however deep or long the names (module loads nest deep).
    const labelWidth = Math.max(LABEL_WIDTH, ...rows.map((row) => row.label.length));
    for (const row of rows) lines.push(formatSpan(row.span, row.label.padEnd(labelWidth), start, total));
    lines.push('');
  }
  return lines.join('\n');
}

function formatSpan(span: DecodedSpan, label: string, traceStart: bigint, total: number): string {
  const offset = Number(span.startTimeUnixNano - traceStart);
  const duration = Number(span.endTimeUnixNano - span.startTimeUnixNano);
  const from = Math.min(BAR_WIDTH - 1, Math.floor((offset / total) * BAR_WIDTH));
  const width = Math.max(1, Math.round((duration / total) * BAR_WIDTH));
  const bar = ' '.repeat(from) + '█'.repeat(Math.min(width, BAR_WIDTH - from));
  const status = STATUS_NAMES[span.status.code] ?? '';
  const kind = KIND_NAMES[span.kind] ?? '';
  return `  ${label} |${bar.padEnd(BAR_WIDTH)}| ${formatMs(duration).padStart(9)}  ${kind}${status ? ` ${status}` : ''}`;
}

function formatMs(nanoseconds: number): string {
  return `${(nanoseconds / 1e6).toFixed(2)} ms`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}

function minBigint(values: bigint[]): bigint {
  return values.reduce((a, b) => (b < a ? b : a));
}

function maxBigint(values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}
