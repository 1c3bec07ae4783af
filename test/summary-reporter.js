// Prints one plain closing line, e.g. "jest: 150 passed, 0 failed, 0 skipped", so the outcome is readable by tools
// that do not parse jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    // A suite that fails to load runs no tests; count it as a failure so the line cannot read as all-green.
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    const line = `jest: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`;
    // After jest's own closing lines ("Ran all test suites."), which it writes once every reporter has finished;
    // 'exit' covers a forced exit, where 'beforeExit' never fires (stderr writes to a pipe or file are synchronous).
    let printed = false;
    const print = () => {
      if (!printed) process.stderr.write(line);
      printed = true;
    };
    process.once('beforeExit', print);
    process.once('exit', print);
  }
}
module.exports = SummaryReporter;
