/**
 * Generators for the property-based differential test: any value a handler may return or throw,
 * as a JSON recipe that test/fixtures/handlers/outcomes/recipe.js rebuilds inside the function
 * (BigInt, Symbol, circular objects, Proxies and throwing getters cannot travel in an event),
 * and any way the handler may complete with it.
 */
import fc from 'fast-check';
import type { RuntimeCombination } from './layer-function.ts';

export type Recipe = { readonly t: string } & Readonly<Record<string, unknown>>;

/** The fixture's exported handlers: one function (bare and traced) is started per kind. */
export type HandlerKind = 'plain' | 'callback' | 'streaming';

export interface OutcomeCase {
  readonly kind: HandlerKind;
  readonly via: string;
  readonly recipe: Recipe;
  /** Callback handlers: `context.callbackWaitsForEmptyEventLoop`. */
  readonly waitForEmptyEventLoop?: boolean;
}

/** How each handler kind completes (see the fixture's index.js). */
const VIAS: Readonly<Record<HandlerKind, readonly string[]>> = {
  plain: [
    'return',
    'throw',
    'resolve',
    'reject',
    'async-return',
    'async-throw',
    'thenable-resolve',
    'thenable-reject',
    'thenable-throws',
    'thenable-both',
    'thenable-twice',
    'succeed',
    'fail',
    'done-error',
    'done-result',
    'uncaught',
    'unhandled-rejection',
  ],
  callback: ['callback-result', 'callback-error'],
  streaming: ['stream-throw', 'stream-not-async', 'stream-reject', 'stream-write', 'stream-return'],
};

/** Handler kinds a runtime accepts: ric v4 rejects callback (three-parameter) handlers at init. */
export function handlerKindsOf(runtime: RuntimeCombination): HandlerKind[] {
  return runtime.ric === 'v3' ? ['plain', 'callback', 'streaming'] : ['plain', 'streaming'];
}

/** Code units, lone surrogates and DEL (which the runtimes escape in errors) among them. */
const codeUnit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Z', ' ', 'é', '✓', '"', '\\', '\n', '\u007f', '\u2028') },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
);
const text = fc.string({ unit: codeUnit, maxLength: 12 });
const key = fc.oneof(fc.constantFrom('statusCode', 'body', 'message', 'name', 'toJSON', 'then', '__proto__'), text);

const leaf: fc.Arbitrary<Recipe> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => ({ t: 'json', v })) },
  { weight: 1, arbitrary: fc.constant({ t: 'undefined' }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((v) => ({ t: 'bigint', v: v.toString() })) },
  { weight: 1, arbitrary: text.map((d) => ({ t: 'symbol', d })) },
  { weight: 1, arbitrary: fc.constant({ t: 'function' }) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity').map((v) => ({ t: 'number', v })) },
  { weight: 1, arbitrary: fc.constant({ t: 'negative-zero' }) },
  { weight: 2, arbitrary: fc.array(codeUnit.map((unit) => unit.charCodeAt(0)), { maxLength: 8 }).map((codes) => ({ t: 'chars', codes })) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1e15, 8.64e15 + 1).map((ms) => ({ t: 'date', ms })) },
  { weight: 1, arbitrary: fc.constantFrom('object', 'array', 'function').map((target) => ({ t: 'proxy', target })) },
  { weight: 1, arbitrary: fc.constant({ t: 'throwing-to-string' }) },
  { weight: 1, arbitrary: fc.constantFrom(100_000, 1_000_000).map((size) => ({ t: 'huge', size })) },
);

const errorRecipe = (value: fc.Arbitrary<Recipe>): fc.Arbitrary<Recipe> =>
  fc.record(
    {
      t: fc.constant('error'),
      cls: fc.constantFrom('Error', 'TypeError', 'RangeError', 'SyntaxError', 'SubclassedError', 'AggregateError'),
      message: text,
      name: text,
      throwing: fc.subarray(['message', 'name', 'stack']),
      // Getters that log: a layer that read them once more than the runtime would show in the logs.
      logging: fc.subarray(['message', 'name', 'stack']),
      errors: fc.array(value, { maxLength: 2 }),
    },
    { requiredKeys: ['t', 'cls', 'message', 'throwing'] },
  );

/** Any value, built from leaves and the shapes that trouble serialization and error reporting. */
export const recipeArbitrary: fc.Arbitrary<Recipe> = fc.letrec<{ value: Recipe }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 8, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((items) => ({ t: 'array', items })) },
    { weight: 1, arbitrary: fc.array(fc.tuple(key, tie('value')), { maxLength: 3 }).map((entries) => ({ t: 'object', entries })) },
    { weight: 1, arbitrary: tie('value').map((inner) => ({ t: 'circular', inner })) },
    { weight: 1, arbitrary: fc.tuple(leaf, fc.constantFrom(10, 5_000, 20_000)).map(([leafRecipe, depth]) => ({ t: 'deep', leaf: leafRecipe, depth })) },
    { weight: 1, arbitrary: fc.tuple(key, text).map(([name, message]) => ({ t: 'throwing-getter', key: name, message })) },
    { weight: 1, arbitrary: fc.tuple(key, tie('value')).map(([name, value]) => ({ t: 'logging-getter', key: name, value })) },
    { weight: 1, arbitrary: fc.tuple(fc.boolean(), tie('value'), text).map(([throws, value, message]) => ({ t: 'to-json', throws, value, message })) },
    { weight: 1, arbitrary: tie('value').map((value) => ({ t: 'null-prototype', value })) },
    { weight: 1, arbitrary: tie('value').map((value) => ({ t: 'frozen', value })) },
    { weight: 1, arbitrary: tie('value').map((value) => ({ t: 'map', value })) },
    { weight: 3, arbitrary: errorRecipe(tie('value')) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('error-like'), name: text, message: text, stack: text }) },
  ),
})).value;

/** A case a runtime can run: a handler kind it accepts, one of that kind's completions, a value. */
export function outcomeCaseArbitrary(runtime: RuntimeCombination): fc.Arbitrary<OutcomeCase> {
  return fc
    .constantFrom(...handlerKindsOf(runtime))
    .chain((kind) =>
      fc.record({
        kind: fc.constant(kind),
        via: fc.constantFrom(...VIAS[kind]),
        recipe: recipeArbitrary,
        waitForEmptyEventLoop: fc.boolean(),
      }),
    );
}
