export { loadConfig, readInvocationTraceEnv, DEFAULT_BATCH_ITEM_FAILURES_MAX_IDS, FLUSH_MODES, PARENT_SOURCES, SAMPLER_NAMES, TRACES_EXPORTERS } from './load-config.ts';
export type { LayerConfig, LoadedConfig, LambdaEnvironment, FlushMode, OtlpSettings, ParentSource, PayloadCaptureSettings, SamplerName, TracesExporterName } from './load-config.ts';
export type { Env } from './readers.ts';
