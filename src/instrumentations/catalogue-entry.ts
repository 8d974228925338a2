/** One instrumentation the layer can load, as generated from auto-instrumentations-node. */
export interface CatalogueEntry {
  /** The name users give in OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS (package name without the prefix). */
  readonly name: string;
  readonly packageName: string;
  readonly className: string;
  /** Modules it patches; empty when it hooks something other than a module (diagnostics channels). */
  readonly modules: readonly string[];
}
