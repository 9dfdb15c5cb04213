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
# The production topology (make cluster) started and used: its own Temporal server processes,
# so after the main run, not beside it. Skipped when jest was given a selection of tests.
cluster_report=""
if [ $# -eq 0 ]; then
  step "cluster (test/cluster: make cluster started on free ports, sign-in, authorization, kill -9)"
  cluster_report="$(mktemp -t caseworks-jest-cluster-XXXXXX.json)"
  jest -c test/cluster/jest.config.ts --runInBand --json --outputFile="$cluster_report" || status=$?
fi
node -e '
  const r = require(process.argv[1]);
  if (process.argv[2]) {
    let c = null;
    try { c = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")); } catch { console.error("the cluster suite wrote no report (see its output above)"); process.exitCode = 1; }
    if (c) {
      r.testResults.push(...c.testResults);
      for (const k of ["numPassedTestSuites", "numFailedTestSuites", "numPassedTests", "numFailedTests", "numPendingTests", "numTotalTests"]) r[k] += c[k];
    }
  }
  const byProject = {};
  for (const file of r.testResults) {
    const project = file.name.includes("/test/unit/") ? "unit" : file.name.includes("/test/api/") ? "http" : file.name.includes("/test/cluster/") ? "cluster" : "workflow";
    const p = (byProject[project] ??= { passed: 0, failed: 0 });
    for (const t of file.assertionResults) {
      if (t.status === "passed") p.passed++; else if (t.status === "failed") p.failed++;
    }
  }
  const parts = Object.entries(byProject).map(([k, v]) => `${k} ${v.passed}/${v.passed + v.failed}`).join(", ");
  console.log(`\nsuites: ${r.numPassedTestSuites} passed, ${r.numFailedTestSuites} failed (${parts})`);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  if (r.numTotalTests === 0) { console.error("no tests ran"); process.exit(1); }
' "$report" "$cluster_report"
rm -f "$report" "$cluster_report"
exit $status
