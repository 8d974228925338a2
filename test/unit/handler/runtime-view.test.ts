import { namespaceOverrides, replaceAtPath } from '../../../src/handler/runtime-view.ts';

const wrap = (handler: Function): Function => Object.assign((...args: unknown[]) => handler(...args), { wrapped: true });

describe('replaceAtPath', () => {
  it('wraps the handler in a copy and leaves the original exports untouched', () => {
    const handler = async (): Promise<string> => 'ok';
    const moduleExports = { handler, other: 1 };

    const view = replaceAtPath(moduleExports, ['handler'], wrap) as Record<string, unknown>;

    expect((view['handler'] as { wrapped?: boolean }).wrapped).toBe(true);
    expect(view['other']).toBe(1);
    expect(moduleExports.handler).toBe(handler);
  });

  it('works on exports that are non-configurable getters (esbuild CommonJS bundles)', () => {
    const handler = async (): Promise<string> => 'ok';
    const moduleExports = {};
    Object.defineProperty(moduleExports, 'handler', { get: () => handler, enumerable: true, configurable: false });

    const view = replaceAtPath(moduleExports, ['handler'], wrap) as Record<string, unknown>;

    expect((view['handler'] as { wrapped?: boolean }).wrapped).toBe(true);
  });

  it('works on frozen exports and nested paths', () => {
    const handler = async (): Promise<string> => 'ok';
    const moduleExports = Object.freeze({ routes: Object.freeze({ get: handler }) });

    const view = replaceAtPath(moduleExports, ['routes', 'get'], wrap) as { routes: Record<string, unknown> };

    expect((view.routes['get'] as { wrapped?: boolean }).wrapped).toBe(true);
    expect(moduleExports.routes.get).toBe(handler);
  });

  it('keeps a function container callable', () => {
    const container = Object.assign(() => 'called', { handler: async (): Promise<string> => 'ok' });

    const view = replaceAtPath(container, ['handler'], wrap) as (() => string) & { handler: { wrapped?: boolean } };

    expect(view()).toBe('called');
    expect(view.handler.wrapped).toBe(true);
  });

  it.each([
    ['missing export', { other: 1 }],
    ['export that is not a function', { handler: 42 }],
    ['null module', null],
  ])('returns the value itself for a %s, so the runtime reports its own error', (_label, moduleExports) => {
    expect(replaceAtPath(moduleExports, ['handler'], wrap)).toBe(moduleExports);
  });
});

describe('namespaceOverrides', () => {
  it('overrides the named export when the namespace has it', () => {
    const handler = async (): Promise<string> => 'ok';

    const overrides = namespaceOverrides({ handler, default: { handler } }, ['handler'], wrap);

    expect((overrides.top as { wrapped?: boolean }).wrapped).toBe(true);
    expect(overrides.defaultExport).toEqual({ handler });
  });

  it('wraps the handler inside default when only default has it (CommonJS through import())', () => {
    const handler = async (): Promise<string> => 'ok';

    const overrides = namespaceOverrides({ default: { handler } }, ['handler'], wrap);

    expect(overrides.top).toBeUndefined();
    expect(((overrides.defaultExport as Record<string, unknown>)['handler'] as { wrapped?: boolean }).wrapped).toBe(true);
  });
});
