/**
 * The registry's rules on a stand-in global object, driven the way the API's
 * `internal/global-utils.ts` drives it: `getGlobal` reads the global and then its version;
 * `registerGlobal` reads the global, writes it back, then reads the version and adds a member.
 * Identification is faked here (identify-api-copy.test.ts tests it with real packages).
 */
import { ANY_1X_VERSION, API_1_KEY, installApiRegistry, type RegistryOptions } from '../../../src/api-bridge/api-registry.ts';
import { watchUnservedMajor } from '../../../src/api-bridge/watch-unserved-major.ts';

type Registry = Record<string, unknown> & { readonly version: string };
type Target = Record<symbol, unknown>;

const FOREIGN = { version: '1.4.1', location: '/var/task/node_modules/@opentelemetry/api' };

/** Installs on `target`, the layer's own copy using `layerGlobal` (by default: target too). */
function install(target: Target, overrides: Partial<RegistryOptions> = {}, layerGlobal: Target = target): jest.Mock {
  const identify = jest.fn(() => FOREIGN);
  installApiRegistry(target, layerGlobal, { ownVersion: '1.9.1', identify, ...overrides });
  return identify;
}

/** What every API version's getGlobal does, minus the compatibility check. */
function getGlobal(target: Target, type: string): { version: string; member: unknown } {
  const registry = target[API_1_KEY] as Registry;
  return { version: registry.version, member: (target[API_1_KEY] as Registry)[type] };
}

/** What every API version's registerGlobal does (the version check included). */
function registerGlobal(target: Target, type: string, instance: unknown, ownVersion: string, allowOverride = false): boolean {
  const registry = (target[API_1_KEY] = target[API_1_KEY] ?? { version: ownVersion }) as Registry;
  if (!allowOverride && registry[type] !== undefined) return false;
  if (registry.version !== ownVersion) return false;
  registry[type] = instance;
  return true;
}

describe('the API registry', () => {
  it('answers every read that is not a registration with a version any 1.x copy accepts, identifying no one', () => {
    // Prepare
    const target: Target = {};
    const identify = install(target);

    // Act
    const reads = Array.from({ length: 5 }, () => getGlobal(target, 'trace').version);

    // Assess
    expect(reads).toEqual(Array(5).fill(ANY_1X_VERSION));
    expect(ANY_1X_VERSION).toMatch(/^1\.\d+\.\d+$/);
    expect(identify).not.toHaveBeenCalled();
  });

  it("answers a registration the registering copy's exact version, once, and keeps what it registered", () => {
    // Prepare
    const target: Target = {};
    const identify = install(target);
    const logger = { name: 'user logger' };

    // Act
    const registered = registerGlobal(target, 'diag', logger, '1.4.1', true);
    const after = getGlobal(target, 'diag');

    // Assess
    expect(registered).toBe(true);
    expect(after).toEqual({ version: ANY_1X_VERSION, member: logger });
    expect(identify).toHaveBeenCalledTimes(1);
  });

  it("gives the layer's own copy, on its own global, its exact version and no accessor", () => {
    // Prepare
    const target: Target = {};
    const layerGlobal: Target = {};
    const identify = install(target, {}, layerGlobal);

    // Act
    const registered = registerGlobal(layerGlobal, 'trace', { name: 'provider' }, '1.9.1');

    // Assess
    expect(registered).toBe(true);
    expect(getGlobal(layerGlobal, 'trace').version).toBe('1.9.1');
    expect(Object.getOwnPropertyDescriptor(layerGlobal, API_1_KEY)).toEqual(expect.objectContaining({ writable: true }));
    expect(identify).not.toHaveBeenCalled();
  });

  it("serves the function's copies what the layer registered, and keeps what they register to themselves", () => {
    // Prepare
    const target: Target = {};
    const layerGlobal: Target = {};
    install(target, {}, layerGlobal);
    const provider = { name: 'layer provider' };
    const layerLogger = { name: 'layer logger' };
    const userLogger = { name: 'user logger' };
    registerGlobal(layerGlobal, 'trace', provider, '1.9.1');
    registerGlobal(layerGlobal, 'diag', layerLogger, '1.9.1');

    // Act
    const userTrace = registerGlobal(target, 'trace', { name: 'user provider' }, '1.4.1');
    const userDiag = registerGlobal(target, 'diag', userLogger, '1.4.1', true);

    // Assess: a second tracer provider is a duplicate; a diag logger is the function's own.
    expect([userTrace, userDiag]).toEqual([false, true]);
    expect(getGlobal(target, 'trace').member).toBe(provider);
    expect(getGlobal(target, 'diag').member).toBe(userLogger);
    expect(getGlobal(layerGlobal, 'diag').member).toBe(layerLogger);
  });

  it('identifies each registering call site once', () => {
    // Prepare
    const target: Target = {};
    const identify = install(target);

    // Act: the same call site registers twice.
    const results = ['diag', 'metrics'].map((type) => registerGlobal(target, type, {}, '1.4.1'));

    // Assess
    expect(results).toEqual([true, true]);
    expect(identify).toHaveBeenCalledTimes(1);
  });

  it('refuses a registration whose copy cannot be identified, as a version mismatch', () => {
    // Prepare
    const target: Target = {};
    const onForeignRegistration = jest.fn();
    install(target, { identify: () => undefined, onForeignRegistration });

    // Act
    const registered = registerGlobal(target, 'diag', {}, '1.4.1', true);

    // Assess
    expect(registered).toBe(false);
    expect(onForeignRegistration).toHaveBeenCalledWith(undefined, expect.objectContaining({ fileName: __filename }));
  });

  it('answers a duplicate registration nothing exact: the next reader of the global gets the usual version', () => {
    // Prepare
    const target: Target = {};
    const identify = install(target);
    registerGlobal(target, 'trace', { name: 'layer provider' }, '1.4.1');
    identify.mockClear();

    // Act: a duplicate returns before reading the version; another copy then reads.
    const duplicate = registerGlobal(target, 'trace', { name: 'user provider' }, '1.4.1');
    const next = getGlobal(target, 'trace');

    // Assess
    expect(duplicate).toBe(false);
    expect(next).toEqual({ version: ANY_1X_VERSION, member: { name: 'layer provider' } });
    expect(identify).not.toHaveBeenCalled();
  });

  it('adopts what a registry created before it holds', () => {
    // Prepare
    const provider = { name: 'preloaded provider' };
    const target: Target = { [API_1_KEY]: { version: '1.3.0', trace: provider } };

    // Act
    install(target);

    // Assess
    expect(getGlobal(target, 'trace')).toEqual({ version: ANY_1X_VERSION, member: provider });
  });

  it('is installed once', () => {
    // Prepare
    const target: Target = {};
    install(target);
    const first = target[API_1_KEY];
    const identify = jest.fn(() => FOREIGN);

    // Act
    installApiRegistry(target, target, { ownVersion: '1.9.1', identify });

    // Assess
    expect(target[API_1_KEY]).toBe(first);
  });

  it('gives way, as a plain property would, to another object assigned to the global', () => {
    // Prepare
    const target: Target = {};
    install(target);
    const replacement = { version: '1.8.0' };

    // Act
    target[API_1_KEY] = replacement;

    // Assess
    expect(target[API_1_KEY]).toBe(replacement);
    expect(Object.getOwnPropertyDescriptor(target, API_1_KEY)).toEqual({ value: replacement, writable: true, enumerable: true, configurable: true });
  });

  it('makes its version read-only, as 1.10 does', () => {
    // Prepare
    const target: Target = {};
    install(target);
    const registry = target[API_1_KEY] as Record<string, unknown>;

    // Act
    const assign = (): void => {
      'use strict';
      registry['version'] = '0.0.1';
    };

    // Assess
    expect(assign).toThrow(TypeError);
    expect(registry['version']).toBe(ANY_1X_VERSION);
  });
});

describe('the watch on an unserved major', () => {
  const KEY_2 = Symbol.for('opentelemetry.js.api.2');

  it('reports the first read once and steps aside: the property is gone and the read got undefined', () => {
    // Prepare
    const target: Target = {};
    const onFirstAccess = jest.fn();
    watchUnservedMajor(target, 2, onFirstAccess);

    // Act
    const reads = [target[KEY_2], target[KEY_2]];

    // Assess
    expect(reads).toEqual([undefined, undefined]);
    expect(onFirstAccess).toHaveBeenCalledTimes(1);
    expect(Object.getOwnPropertyDescriptor(target, KEY_2)).toBeUndefined();
  });

  it('lets the first write land as a plain property', () => {
    // Prepare
    const target: Target = {};
    const onFirstAccess = jest.fn();
    watchUnservedMajor(target, 2, onFirstAccess);
    const registry = { version: '2.0.0' };

    // Act
    target[KEY_2] ??= registry;
    target[KEY_2] = target[KEY_2] ?? { version: 'other' };

    // Assess
    expect(target[KEY_2]).toBe(registry);
    expect(Object.getOwnPropertyDescriptor(target, KEY_2)).toEqual({ value: registry, writable: true, enumerable: true, configurable: true });
    expect(onFirstAccess).toHaveBeenCalledTimes(1);
  });

  it('lets the access complete when reporting it throws', () => {
    // Prepare
    const target: Target = {};
    watchUnservedMajor(target, 2, () => {
      throw new Error('cannot report');
    });

    // Act
    target[KEY_2] = { version: '2.0.0' };

    // Assess
    expect(target[KEY_2]).toEqual({ version: '2.0.0' });
  });

  it('leaves a global that already exists alone', () => {
    // Prepare
    const existing = { version: '2.1.0' };
    const target: Target = { [KEY_2]: existing };
    const onFirstAccess = jest.fn();

    // Act
    watchUnservedMajor(target, 2, onFirstAccess);

    // Assess
    expect(target[KEY_2]).toBe(existing);
    expect(onFirstAccess).not.toHaveBeenCalled();
  });
});
