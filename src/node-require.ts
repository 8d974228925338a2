import { createRequire } from 'node:module';

/**
 * require() for Node built-ins that are costly to load (http, https, zlib): called where they are
 * first needed, so a cold start pays only for what it uses. Importing them as ES modules would
 * also build their ES module facade, which reads every export, including `http`'s lazy undici
 * getters: that alone loads Node's bundled undici (about 14 ms).
 */
export const nodeRequire = createRequire(import.meta.url);
