#!/usr/bin/env bash
# Builds (once, cached in out/vm/) what `make vm-test` boots: an uncompressed Debian 6.1 kernel and an
# uncompressed busybox initramfs that loads the 9p, virtio, overlay, bridge, veth (and for criu nf_tables,
# sock diag, tun) modules in modules.dep order. The kernel package is fetched with apt-get download and unpacked with dpkg -x.
set -euo pipefail
cd "$(dirname "$0")/../.."
vm=out/vm
mkdir -p "$vm"
vm=$(cd "$vm" && pwd)

if [ ! -f "$vm/kernel.version" ]; then
  package=$(apt-cache search --names-only 'linux-image-6.1.0-' | awk '{print $1}' \
    | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | sort -V | tail -1)
  [ -n "$package" ] || { echo "build-vm: no linux-image-6.1.0-*-amd64-unsigned package (run apt-get update)" >&2; exit 1; }
  rm -rf "$vm/kpkg" "$vm"/*.deb
  (cd "$vm" && apt-get download "$package" 2>/dev/null)
  dpkg -x "$vm"/"$package"_*.deb "$vm/kpkg"
  version=$(ls "$vm/kpkg/lib/modules")
  depmod -b "$vm/kpkg" "$version"
  # The bzImage wraps an xz-compressed vmlinux; qemu's microvm boots the uncompressed ELF fastest.
  vmlinuz="$vm/kpkg/boot/vmlinuz-$version"
  offset=$(LC_ALL=C grep -aobUP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1)
  tail -c +"$((offset + 1))" "$vmlinuz" | xz -dc > "$vm/vmlinux" 2>/dev/null || true
  file "$vm/vmlinux" | grep -q ELF || { echo "build-vm: could not extract vmlinux from $vmlinuz" >&2; exit 1; }
  rm -f "$vm"/*.deb
  echo "$version" > "$vm/kernel.version"
fi
version=$(cat "$vm/kernel.version")
modules="$vm/kpkg/lib/modules/$version"

if [ ! -f "$vm/initramfs.cpio" ] || [ tests/vm/init -nt "$vm/initramfs.cpio" ] || [ tests/vm/build-vm.sh -nt "$vm/initramfs.cpio" ]; then
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{bin,dev,proc,sys,host,newroot,results,modules}
  cp /bin/busybox "$root/bin/busybox"
  for applet in sh mount umount insmod mkdir cat echo poweroff sleep chroot ls; do ln -s busybox "$root/bin/$applet"; done
  # Dependencies first: modules.dep lists a module's own dependencies after it, deepest last.
  loaded=()
  load() {
    local line path deps dep
    line=$(grep -E "(^|/)$1\.ko(\.[a-z]+)?:" "$modules/modules.dep") || return 0
    path=${line%%:*}
    deps=${line#*:}
    for dep in $(tr ' ' '\n' <<<"$deps" | tac); do load "$(basename "$dep" .ko)"; done
    for l in "${loaded[@]}"; do [ "$l" = "$path" ] && return 0; done
    loaded+=("$path")
  }
  # criu (checkpoint scenarios) needs the socket diag modules, nf_tables for its kernel feature probe (with
  # crc32c_generic, the soft dependency of libcrc32c that modules.dep does not list), and tun.
  for m in virtio_mmio 9pnet_virtio 9p overlay bridge veth br_netfilter \
    crc32c_generic nf_tables unix_diag inet_diag tcp_diag udp_diag netlink_diag af_packet_diag tun; do load "$m"; done
  for path in "${loaded[@]}"; do
    cp "$modules/$path" "$root/modules/"
    basename "$path" >> "$root/modules/order"
  done
  cp tests/vm/init "$root/init"
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet) > "$vm/initramfs.cpio.tmp"
  mv "$vm/initramfs.cpio.tmp" "$vm/initramfs.cpio"
fi
echo "build-vm: kernel $version, initramfs $(du -h "$vm/initramfs.cpio" | cut -f1)"
