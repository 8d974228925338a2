export { loadConfig, readInvocationTraceEnv, DEFAULT_BATCH_ITEM_FAILURES_MAX_IDS, FLUSH_MODES, PARENT_SOURCES, PROPAGATOR_NAMES, SAMPLER_NAMES, TRACES_EXPORTERS } from './load-config.ts';
export type { LayerConfig, LoadedConfig, LambdaEnvironment, FlushMode, ParentSource, PayloadCaptureSettings, PropagatorName, SamplerName, TracesExporterName } from './load-config.ts';
export type { OtlpProtocol, OtlpSettings, OtlpSignal } from './otlp-settings.ts';
export { quoted } from './readers.ts';
export type { Env } from './readers.ts';
