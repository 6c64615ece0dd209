#!/usr/bin/env bash
# make bench: installs the Debian packages both runtimes need (only those missing), builds the
# harness and runs it as root. QUICK=1 runs the reduced set; extra arguments go to crishim-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
tests/scripts/install-deps.sh containerd runc
dotnet publish --nologo -v quiet -c Release bench/CriShim.Bench -o out/bench
args=()
if [ -n "${QUICK:-}" ] && [ "${QUICK}" != "0" ]; then
  args+=(--quick)
fi
exec out/bench/crishim-bench "${args[@]}" "$@"
