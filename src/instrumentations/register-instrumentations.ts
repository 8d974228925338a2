import type { TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import type { LayerConfig } from '../config/index.ts';

/**
 * Registers the instrumentations the configuration enables. The runtime client's own calls to
 * the Runtime API are plain HTTP too; they are not the user's work and are never traced.
 */
export function startInstrumentations(config: LayerConfig, tracerProvider: TracerProvider, runtimeApi: string | undefined): void {
  const disabled = new Set(config.disabledInstrumentations);
  const enabled = config.enabledInstrumentations === undefined ? undefined : new Set(config.enabledInstrumentations);
  const isOn = (name: string): boolean => !disabled.has(name) && (enabled === undefined || enabled.has(name));
  const instrumentations = [];
  if (isOn('http')) {
    instrumentations.push(
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: true,
        ignoreOutgoingRequestHook: (request) => runtimeApi !== undefined && `${request.hostname ?? request.host}:${request.port}` === runtimeApi,
      }),
    );
  }
  registerInstrumentations({ instrumentations, tracerProvider });
}
