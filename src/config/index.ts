export { loadConfig, readInvocationTraceEnv, FLUSH_MODES, SAMPLER_NAMES, TRACES_EXPORTERS } from './load-config.ts';
export type { LayerConfig, LoadedConfig, LambdaEnvironment, FlushMode, SamplerName, TracesExporterName } from './load-config.ts';
export type { Env } from './readers.ts';
