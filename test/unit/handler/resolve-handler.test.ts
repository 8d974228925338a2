import { resolveHandlerLocation } from '../../../src/handler/resolve-handler.ts';

describe('resolveHandlerLocation', () => {
  it('lists the files the runtime client tries, in its order', () => {
    const location = resolveHandlerLocation('/var/task', 'index.handler');

    expect(location).toEqual({
      candidateFiles: ['/var/task/index', '/var/task/index.js', '/var/task/index.mjs', '/var/task/index.cjs'],
      exportPath: ['handler'],
    });
  });

  it('resolves a handler in a subdirectory and a nested export path', () => {
    const location = resolveHandlerLocation('/var/task', 'src/handlers/api.routes.get');

    expect(location?.candidateFiles[1]).toBe('/var/task/src/handlers/api.js');
    expect(location?.exportPath).toEqual(['routes', 'get']);
  });

  it('accepts an absolute module root, as the runtime does', () => {
    expect(resolveHandlerLocation('/var/task', '/opt/app/main.handler')?.candidateFiles[2]).toBe('/opt/app/main.mjs');
  });

  it.each(['index', 'index.', '../up.handler', ''])('leaves the malformed handler %p to the runtime', (handler) => {
    expect(resolveHandlerLocation('/var/task', handler)).toBeUndefined();
  });
});
