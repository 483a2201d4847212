// Prints one closing line in the plain form CI reads: "jest: N passed, M failed[, K skipped]".
class SummaryReporter {
    onRunComplete(_contexts, results) {
        const skipped = results.numPendingTests + results.numTodoTests;
        const failedSuites = results.numRuntimeErrorTestSuites;
        const failed = results.numFailedTests + failedSuites;
        process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
    }
}
module.exports = SummaryReporter;
