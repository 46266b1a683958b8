#!/usr/bin/env bash
# Prepares a fresh checkout: the pinned emulators from package-lock.json (Azurite, MailDev) and a
# Release build of the solution. Safe to run again; npm is skipped when node_modules matches the lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not on PATH ($2)" >&2; exit 1; }; }
need dotnet "the .NET 10 SDK"
need node "Node.js 20 or later, for Azurite and MailDev"
need npm "npm, for Azurite and MailDev"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing Azurite and MailDev (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: building (dotnet build -c Release)"
dotnet build Serverless.sln -c Release -nologo -clp:ErrorsOnly -v:quiet
