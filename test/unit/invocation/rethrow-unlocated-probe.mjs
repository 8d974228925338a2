// Run by rethrow-unlocated.test.ts on a bundled Node: rethrows an error the way the crash guard does.
const { rethrowUnlocated } = await import(process.argv[2]);
rethrowUnlocated(new Error('boom from the function'));
