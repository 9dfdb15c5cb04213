#!/usr/bin/env bash
# `make test`: every check CI runs, in order, then one summary line of what ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "lint (eslint)";            eslint .
step "typecheck (tsc)";          tsc -p tsconfig.json --noEmit
step "build (dist + workflow bundle)"; npm run build --silent
step "tests (jest: unit, workflows on the Temporal dev server, HTTP end-to-end)"
report="$(mktemp -t caseworks-jest-XXXXXX.json)"
status=0
jest --runInBand --json --outputFile="$report" "$@" || status=$?
node -e '
  const r = require(process.argv[1]);
  const byProject = {};
  for (const file of r.testResults) {
    const project = file.name.includes("/test/unit/") ? "unit" : file.name.includes("/test/api/") ? "http" : "workflow";
    const p = (byProject[project] ??= { passed: 0, failed: 0 });
    for (const t of file.assertionResults) {
      if (t.status === "passed") p.passed++; else if (t.status === "failed") p.failed++;
    }
  }
  const parts = Object.entries(byProject).map(([k, v]) => `${k} ${v.passed}/${v.passed + v.failed}`).join(", ");
  console.log(`\nsuites: ${r.numPassedTestSuites} passed, ${r.numFailedTestSuites} failed (${parts})`);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  if (r.numTotalTests === 0) { console.error("no tests ran"); process.exit(1); }
' "$report"
rm -f "$report"
exit $status
