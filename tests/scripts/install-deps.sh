#!/usr/bin/env bash
# Installs the Debian packages the tests use, only those missing; arguments name extra packages
# (bench/run.sh adds containerd and runc).
set -euo pipefail
packages=(qemu-system-x86 kmod cpio xz-utils busybox-static iproute2 iptables containernetworking-plugins iputils-ping docker-registry apache2-utils openssl libseccomp2 gcc libc6-dev procps util-linux criu "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
