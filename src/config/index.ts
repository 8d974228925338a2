export { loadConfig, readInvocationTraceEnv, FLUSH_MODES, PARENT_SOURCES, SAMPLER_NAMES, TRACES_EXPORTERS } from './load-config.ts';
export type { LayerConfig, LoadedConfig, LambdaEnvironment, FlushMode, OtlpSettings, ParentSource, SamplerName, SpanLimits, TracesExporterName } from './load-config.ts';
export type { Env } from './readers.ts';
