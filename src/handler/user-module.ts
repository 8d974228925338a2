import { sep } from 'node:path';

/** True for the function's own code: the runtime client's loads are the ones we intercept. */
export function isUserModule(filename: string | undefined, taskRoot: string): boolean {
  if (filename === undefined) return false;
  const root = taskRoot.endsWith(sep) ? taskRoot : taskRoot + sep;
  return filename.startsWith(root) && !filename.includes(`${sep}node_modules${sep}`);
}
