/** The parts of an OpenTelemetry `InstrumentationBase` this file uses. */
export interface PatchableInstrumentation {
  /** Public, but builds new definitions on each call (it runs `init()` again). */
  getModuleDefinitions(): readonly ModuleDefinition[];
  /** The instance's own definitions, the ones its require hook patches with (`InstrumentationBase._modules`). */
  readonly _modules?: readonly ModuleDefinition[];
}

/** `InstrumentationModuleDefinition` of @opentelemetry/instrumentation, as far as read here. */
export interface ModuleDefinition {
  readonly name: string;
  readonly supportedVersions: readonly string[];
  readonly includePrerelease?: boolean;
  moduleExports?: unknown;
  moduleVersion?: string;
  readonly patch?: (moduleExports: unknown, moduleVersion?: string) => unknown;
}

/** @opentelemetry/instrumentation's own range check (build/esm/semver.js), loaded with the instrumentation. */
export type Satisfies = (version: string, range: string, options?: { includePrerelease?: boolean }) => boolean;

export interface EsModulePatchResult {
  /** Whether some definition of the module accepted this version and patched it. */
  readonly patched: boolean;
  /** Exports the patch replaced outright: an ES module's bindings cannot be reassigned from outside. */
  readonly unapplied: readonly string[];
}

/**
 * Patches the ES module build of a package (the module an `import` of `moduleName` resolved to)
 * the way `InstrumentationBase` patches it when import-in-the-middle hands it a namespace:
 * each definition named `moduleName` whose supported versions include `version` gets a
 * namespace-like object (`Symbol.toStringTag` 'Module', which the instrumentations test to
 * read `default`) holding the module's exports. What the instrumentations of the catalogue do
 * to ES module builds (openai, pino, pg, …) is patch the classes and objects those exports hold,
 * in place, which the module's importers then see. An export the patch replaces is listed in
 * `unapplied`: without a wrapper module in between (what import-in-the-middle generates for
 * every module it touches), an ES module's own bindings cannot change.
 */
export function patchEsModule(
  instrumentation: PatchableInstrumentation,
  moduleName: string,
  namespace: Readonly<Record<string, unknown>>,
  version: string | undefined,
  satisfies: Satisfies,
): EsModulePatchResult {
  const view: Record<string, unknown> = Object.create(null, { [Symbol.toStringTag]: { value: 'Module' } }) as Record<string, unknown>;
  for (const key of Object.keys(namespace)) view[key] = namespace[key];
  let patched = false;
  // The instance's own definitions where it has them, so that its bookkeeping (moduleExports,
  // moduleVersion) is what its require path would have left.
  const definitions = Array.isArray(instrumentation._modules) ? instrumentation._modules : instrumentation.getModuleDefinitions();
  for (const definition of definitions) {
    if (definition.name !== moduleName || typeof definition.patch !== 'function') continue;
    if (!isSupported(definition, version, satisfies)) continue;
    definition.moduleVersion = version;
    definition.moduleExports = view;
    definition.patch(view, version);
    patched = true;
  }
  const unapplied = Object.keys(view).filter((key) => view[key] !== namespace[key]);
  return { patched, unapplied };
}

// As InstrumentationBase decides for require(): without a known version only '*' is accepted.
function isSupported(definition: ModuleDefinition, version: string | undefined, satisfies: Satisfies): boolean {
  if (version === undefined) return definition.supportedVersions.includes('*');
  return definition.supportedVersions.some((range) => satisfies(version, range, { includePrerelease: definition.includePrerelease === true }));
}
