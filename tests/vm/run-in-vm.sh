#!/usr/bin/env bash
# Boots the test VM (tests/vm/build-vm.sh) under qemu TCG and runs one shell command in it as root, on a
# pure cgroup v2 hierarchy; prints the guest console and exits with the command's exit code.
# Usage: tests/vm/run-in-vm.sh 'command args...'
set -euo pipefail
cd "$(dirname "$0")/../.."
tests/vm/build-vm.sh >&2
vm=$(cd out/vm && pwd)
results=$(mktemp -d /tmp/crishim-vm-XXXXXX)
trap 'rm -rf "$results"' EXIT
printf '%s' "$*" > "$results/command"
# microvm hangs intermittently at boot without the host's TSC frequency.
tsc_khz=$(awk '/tsc: Detected .* MHz processor/ {print int($(NF-2) * 1000)}' <(dmesg 2>/dev/null) | head -1)
[ -n "$tsc_khz" ] || tsc_khz=$(awk -F': ' '/^cpu MHz/ {print int($2 * 1000); exit}' /proc/cpuinfo)
timeout "${VM_TIMEOUT:-900}" qemu-system-x86_64 \
  -machine microvm,rtc=on -cpu max -m "${VM_MEMORY:-4096}" -smp 2 \
  -nographic -no-reboot -nodefaults -serial stdio \
  -kernel "$vm/vmlinux" -initrd "$vm/initramfs.cpio" \
  -append "console=ttyS0 panic=-1 quiet cgroup_no_v1=all tsc_early_khz=$tsc_khz rdinit=/init" \
  -fsdev local,id=hostroot,path=/,security_model=passthrough,readonly=on,multidevs=remap \
  -device virtio-9p-device,fsdev=hostroot,mount_tag=hostroot \
  -fsdev local,id=results,path="$results",security_model=passthrough,multidevs=remap \
  -device virtio-9p-device,fsdev=results,mount_tag=results
[ -f "$results/exit-code" ] || { echo "run-in-vm: the VM stopped without an exit code" >&2; exit 1; }
exit "$(cat "$results/exit-code")"
