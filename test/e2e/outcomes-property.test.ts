/**
 * Issue 12, property-based differential: any value, returned or thrown through any completion a
 * runtime offers, gives the same response or error, the same log lines and the same survival
 * (or the same crash) with the layer as without it, on every runtime; and with the layer each
 * invocation exports one span that says what the runtime said (ERROR with what could be read
 * safely, or UNSET on success).
 *
 * Many values share one runtime start: the event carries a recipe that the fixture rebuilds into
 * the value (see test/support/outcome-cases.ts). A failure prints fast-check's seed and the
 * shrunk case; rerun one with OUTCOME_SEED=<seed> (and OUTCOME_PATH=<path> to go straight to it).
 */
import fc from 'fast-check';
import { RUNTIME_COMBINATIONS, type RuntimeCombination } from '../support/layer-function.ts';
import { handlerKindsOf, outcomeCaseArbitrary, type OutcomeCase } from '../support/outcome-cases.ts';
import { expectSameOutcomeAndSpan, useOutcomePairs } from '../support/outcome-compare.ts';

const RUNS_PER_RUNTIME = Number(process.env['OUTCOME_RUNS'] ?? 100);
const SEED = process.env['OUTCOME_SEED'] === undefined ? undefined : Number(process.env['OUTCOME_SEED']);
const PATH = process.env['OUTCOME_PATH'];

jest.setTimeout(240_000);

describe.each(RUNTIME_COMBINATIONS)('any value through any completion on Node $node with aws-lambda-ric $ric', (runtime: RuntimeCombination) => {
  const functions = useOutcomePairs(runtime, handlerKindsOf(runtime));

  it(`answers, logs and survives identically for ${RUNS_PER_RUNTIME} generated cases, each traced by what the runtime reported`, async () => {
    let id = 0;
    await fc.assert(
      fc.asyncProperty(outcomeCaseArbitrary(runtime), async (outcomeCase: OutcomeCase) => {
        await expectSameOutcomeAndSpan(functions.pairs(), functions.receiver(), { id: (id += 1), ...outcomeCase });
      }),
      { numRuns: RUNS_PER_RUNTIME, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH !== undefined ? { path: PATH } : {}), endOnFailure: false },
    );
  });
});
