#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: unit tests, and integration and end-to-end tests
# against real Azurite and MailDev that the tests start on free loopback ports. Ends with one line
# 'tests: N passed, M failed' and fails when any test fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }

results=TestResults
rm -rf "$results"
dotnet test Serverless.sln -c Release --no-build -nologo \
  --results-directory "$results" --logger "trx" --logger "console;verbosity=normal" \
  --blame-hang-timeout 10m "$@"
rc=$?

passed=0; failed=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters"); t=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$counters")
  a=$(sed -n 's/.* aborted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
done

if [ "$files" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "test.sh: no test results were written" >&2
  [ "$failed" -gt 0 ] || failed=1
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: dotnet test failed (exit $rc) without a failed test; counting it as one failure" >&2
  failed=1
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
