import { generateWrapperModule } from '../../../src/handler/intercept-esm.ts';

describe('generateWrapperModule', () => {
  it('re-exports the user module and overrides only the handler export and default', () => {
    const source = generateWrapperModule('file:///var/task/index.mjs', 'handler');

    expect(source).toContain('export * from "file:///var/task/index.mjs";');
    expect(source).toContain('export { top as "handler" };');
    expect(source).toContain('export default view.defaultExport;');
  });

  it('exports the handler as default when the handler is the default export', () => {
    const source = generateWrapperModule('file:///var/task/index.mjs', 'default');

    expect(source).toContain('export { top as "default" };');
    expect(source).not.toContain('export default view.defaultExport');
  });

  it('quotes export names that are not identifiers', () => {
    expect(generateWrapperModule('file:///t/a.mjs', 'my-handler')).toContain('export { top as "my-handler" };');
  });
});
