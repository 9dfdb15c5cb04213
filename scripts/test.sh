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
# One file at a time in one child process that jest replaces when its heap grows too large
# (workerIdleMemoryLimit in jest.config.js); the heap after each file is printed beside it.
jest --maxWorkers=1 --logHeapUsage --json --outputFile="$report" "$@" || status=$?
main_status=$status
# jest writes its report last: an empty one means the run itself died (a crash, out of memory),
# and what killed it is in the lines just above, so say so here, before the cluster suite's output.
[ -s "$report" ] || echo "jest stopped (exit status $main_status) before it wrote its report: the run died; the lines above say why" >&2
# The production topology (make cluster) started and used: its own Temporal server processes,
# so after the main run, not beside it. Skipped when jest was given a selection of tests.
cluster_report=""
if [ $# -eq 0 ]; then
  step "cluster (test/cluster: make cluster started on free ports, sign-in, authorization, kill -9)"
  cluster_report="$(mktemp -t caseworks-jest-cluster-XXXXXX.json)"
  jest -c test/cluster/jest.config.ts --runInBand --json --outputFile="$cluster_report" || status=$?
fi
MAIN_STATUS="$main_status" node -e '
  const readReport = (file) => { try { return JSON.parse(require("fs").readFileSync(file, "utf8")); } catch { return null; } };
  const r = readReport(process.argv[1]);
  if (!r) { console.error(`\nthe main jest run wrote no report (exit status ${process.env.MAIN_STATUS}): it died; see the line "jest stopped" above`); process.exit(1); }
  if (process.argv[2]) {
    const c = readReport(process.argv[2]);
    if (!c) { console.error("the cluster suite wrote no report (see its output above)"); process.exitCode = 1; }
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
