#!/usr/bin/env bash
# Runs the benchmark harness: sets up (npm ci, Release build), publishes the app and the bare comparison app
# self-contained and ReadyToRun for linux-x64 into artifacts/bench/, then measures them on Azurite and MailDev
# (started by the harness on free loopback ports) and writes the results table into BENCHMARKS.md.
# Extra arguments go to the harness (e.g. --scale 0.1 for a smoke run, --only surveys,evidence; see --help).
# SKIP_SETUP=1 skips the setup step, SKIP_PUBLISH=1 reuses the last publish, BENCH_APP_LOG=file keeps the app's warnings and errors.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ "${SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh

out=artifacts/bench
if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -x "$out/app/LandRedevelopment.Functions" ] || [ ! -x "$out/bare/BareApp" ]; then
  echo "bench: publishing the app and the bare app (self-contained, ReadyToRun, linux-x64)"
  dotnet publish functions -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true -o "$out/app" -nologo -v:q -clp:ErrorsOnly
  dotnet publish tests/LandRedevelopment.Benchmarks/BareApp -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true -o "$out/bare" -nologo -v:q -clp:ErrorsOnly
fi

dotnet tests/LandRedevelopment.Benchmarks/bin/Release/net10.0/LandRedevelopment.Benchmarks.dll \
  --app "$PWD/$out/app" --bare "$PWD/$out/bare" --out "$PWD/BENCHMARKS.md" "$@"
