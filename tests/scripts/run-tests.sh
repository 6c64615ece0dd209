#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
# The test results stay in out/test-results for a look after a failed run.
results=out/test-results
rm -rf "$results" && mkdir -p "$results"
results=$(realpath "$results")

# CriShim.VmTests is not an xunit project: it runs inside the VM below. CriShim.KubeletTests runs a real
# kubelet (KUBELET, PATH or ../shared/tools/bin/kubelet) on crishim; without one its tests are skipped.
projects=(tests/*/*.Tests.csproj native-tests/CriShim.NativeTests/*.csproj native-tests/CriShim.KubeletTests/*.csproj)
status=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "=== $name"
  dotnet test "$project" --nologo -c "${CONFIGURATION:-Release}" \
    --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=normal" || status=1
done

passed=0 failed=0 skipped=0
echo "=== cgroup v2 VM (tests/vm)"
if [ "$(id -u)" -ne 0 ]; then
  vm_output="vm: 0 passed, 0 failed, 1 skipped"
  echo "SKIP the cgroup v2 VM: needs root (qemu exports the host root file system to the guest)"
else
  vm_output=$(tests/vm/run-in-vm.sh "$PWD/out/bin/crishim-vmtests $PWD/out/bin" 2>&1) || status=1
  echo "$vm_output"
fi
if summary=$(grep -E '^vm: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' <<<"$vm_output" | tail -1); then
  read -r _ vp _ vf _ vs _ <<<"$summary"
  passed=$((passed + vp)); failed=$((failed + vf)); skipped=$((skipped + vs))
else
  echo "the VM run ended without a summary line"
  failed=$((failed + 1))
fi
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # vstest records a skipped test as not executed without counting it in notExecuted.
  skipped=$((skipped + $(get total) - $(get executed)))
done
# The failed tests again, next to the summary, so a log's tail names them.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  awk -v project="$(basename "$trx" .trx)" 'BEGIN { RS = "<UnitTestResult " }
    # Only the result tag itself: the last result runs on to the end of the file, into the outcome of the summary.
    NR > 1 && substr($0, 1, index($0, ">")) ~ /outcome="(Failed|Error|Timeout|Aborted)"/ {
      name = ""; message = ""
      if (match($0, /testName="[^"]*"/)) name = substr($0, RSTART + 10, RLENGTH - 11)
      if (match($0, /<Message>[^<]*/)) message = substr($0, RSTART + 9, RLENGTH - 9)
      gsub(/[\r\n]+/, " ", message)
      print "FAILED " project ": " name
      print "  " substr(message, 1, 600)
    }' "$trx"
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
  echo "a test project failed to build or run"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
