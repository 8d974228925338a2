/**
 * Every variable the layer reads (found by watching loadConfig read a proxy, so a variable added
 * later without a case here fails the first test), fed garbage and fed good and bad values:
 * loadConfig never throws, a good value never warns, each bad value gives exactly one warning
 * that starts with its variable's name, no warning can forge a log line, and no header value
 * (usually a credential) is ever printed.
 */
import fc from 'fast-check';
import { loadConfig, type Env } from '../../../src/config/index.ts';
import { isFieldValue, isToken, wireFieldValue } from '../../../src/http/field-syntax.ts';
import { badHeaderEntry, environmentsOf, HEADER_VARIABLES, VARIABLES, warningsBySubject } from '../../support/config-arbitraries.ts';

const NAMES = Object.keys(VARIABLES);
const environments = environmentsOf(VARIABLES);

describe('loadConfig with any environment', () => {
  it('reads exactly the variables this test knows', () => {
    // Prepare: an environment that records every name read.
    const read = new Set<string>();
    const recording = new Proxy<Env>({}, {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
      has: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return false;
      },
    });

    // Act
    loadConfig(recording);

    // Assess
    expect([...read].sort()).toEqual([...NAMES].sort());
  });

  it('never throws on garbage in every variable, and every warning is one line about one variable', () => {
    const garbage = fc.dictionary(fc.constantFrom(...NAMES), fc.string({ unit: 'binary', maxLength: 60 }));
    fc.assert(
      fc.property(garbage, (env) => {
        const { config, warnings } = loadConfig(env);
        expect(Object.isFrozen(config)).toBe(true);
        const counts = warningsBySubject(warnings);
        for (const [subject, count] of counts) {
          expect(NAMES).toContain(subject);
          expect(env[subject!]).toBeDefined();
          if (!HEADER_VARIABLES.includes(subject!)) expect(count).toBe(1);
        }
        for (const warning of warnings) expect(warning).not.toMatch(/[\r\n\u2028\u2029]/);
        for (const headers of [config.otlp.headers, config.otlpMetrics.headers, config.otlpLogs.headers]) {
          for (const [name, value] of Object.entries(headers)) {
            expect(isToken(name)).toBe(true);
            expect(isFieldValue(wireFieldValue(value))).toBe(true);
          }
        }
        for (const url of [config.otlp.url, config.otlpMetrics.url, config.otlpLogs.url]) expect(new URL(url).protocol).toMatch(/^https?:$/);
      }),
      { numRuns: 1000 },
    );
  });

  it('warns exactly once for each bad value, never for a good one', () => {
    fc.assert(
      fc.property(environments, ({ env, bad }) => {
        // Deferred flushing cannot work on Managed Instances: that pair is a bad value of its own.
        fc.pre(!(env['AWS_LAMBDA_INITIALIZATION_TYPE'] === 'lambda-managed-instances'));
        const counts = warningsBySubject(loadConfig(env).warnings);
        expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(bad.map((name) => [name, 1])));
      }),
      { numRuns: 500 },
    );
  });

  it('never prints a header value', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,20}$/);
    fc.assert(
      fc.property(fc.constantFrom(...HEADER_VARIABLES), secret, badHeaderEntry, (variable, value, bad) => {
        const entries = [`x-api-key=${value}`, `${bad}${value}`, `broken name=${value}`, `x-crlf=${value}%0D%0A`];
        const { warnings } = loadConfig({ [variable]: entries.join(',') });
        expect(warnings.length).toBeGreaterThanOrEqual(2);
        for (const warning of warnings) expect(warning).not.toContain(value);
      }),
      { numRuns: 200 },
    );
  });
});
