// Prints one closing line in the plain form CI reads: "<label>: N passed, M failed[, K skipped]".
class SummaryReporter {
    constructor(_globalConfig, options = {}) {
        this.label = options.label ?? "jest";
    }

    onRunComplete(_contexts, results) {
        const skipped = results.numPendingTests + results.numTodoTests;
        const failedSuites = results.numRuntimeErrorTestSuites;
        const failed = results.numFailedTests + failedSuites;
        process.stdout.write(
            `\n${this.label}: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
        );
    }
}
module.exports = SummaryReporter;
