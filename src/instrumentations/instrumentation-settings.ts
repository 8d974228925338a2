import { quoted, type LayerConfig } from '../config/index.ts';
import type { CatalogueEntry } from './catalogue-entry.ts';
import { INSTRUMENTATION_CATALOGUE } from './catalogue.generated.ts';

/**
 * Left out unless named in OTEL_NODE_ENABLED_INSTRUMENTATIONS: fs, dns and net make a span per
 * file read, lookup or socket (noise that costs money per span), the metrics ones sample the
 * host on a timer, which a frozen Lambda sandbox makes meaningless, and cucumber is a test
 * framework. Everything else is on by default; its code loads only if the function uses the
 * library it instruments.
 */
export const OFF_BY_DEFAULT = new Set(['fs', 'dns', 'net', 'host-metrics', 'runtime-node', 'cucumber']);

export interface EnabledInstrumentations {
  readonly entries: readonly CatalogueEntry[];
  readonly warnings: readonly string[];
}

/** OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS → the catalogue entries to use. */
export function selectInstrumentations(
  config: Pick<LayerConfig, 'enabledInstrumentations' | 'disabledInstrumentations'>,
  catalogue: readonly CatalogueEntry[] = INSTRUMENTATION_CATALOGUE,
): EnabledInstrumentations {
  const known = new Set(catalogue.map((entry) => entry.name));
  // One warning per variable, naming the unknown names (quoted: they come from the environment).
  const warnings = [
    ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', config.enabledInstrumentations ?? []],
    ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', config.disabledInstrumentations],
  ].flatMap(([variable, names]) => {
    const unknown = [...new Set((names as readonly string[]).map(stripPrefix).filter((name) => !known.has(name)))];
    return unknown.length === 0 ? [] : [`${variable as string} names unknown instrumentation(s) ${unknown.map(quoted).join(', ')}; they are ignored (valid names: ${[...known].join(', ')}).`];
  });
  const enabled = config.enabledInstrumentations === undefined ? undefined : new Set(config.enabledInstrumentations.map(stripPrefix));
  const disabled = new Set(config.disabledInstrumentations.map(stripPrefix));
  const entries = catalogue.filter((entry) => {
    if (disabled.has(entry.name)) return false;
    return enabled === undefined ? !OFF_BY_DEFAULT.has(entry.name) : enabled.has(entry.name);
  });
  return { entries, warnings };
}

// The upstream layer and the metapackage accept names with or without the package prefix.
function stripPrefix(name: string): string {
  return name.startsWith('@opentelemetry/instrumentation-') ? name.slice('@opentelemetry/instrumentation-'.length) : name;
}
