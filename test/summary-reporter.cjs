'use strict';
// Prints one plain closing line ("Summary: N passed, N failed") that CI systems can read
// whatever runner they know.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const suffix = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`Summary: ${results.numPassedTests} passed, ${results.numFailedTests} failed${suffix}\n`);
  }
}
module.exports = SummaryReporter;
