export { loadConfig, readInvocationTraceEnv, FLUSH_MODES, TRACES_EXPORTERS } from './load-config.ts';
export type { LayerConfig, LoadedConfig, LambdaEnvironment, FlushMode, TracesExporterName } from './load-config.ts';
export type { Env } from './readers.ts';
