#!/bin/bash
# Builds out/crishim_<version>_amd64.deb with dpkg-deb from what `make build` put in BIN.
set -euo pipefail
bin=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
version=$("$bin/crishim" --version | awk '{print $2}' | sed 's/[^0-9A-Za-z.+~-]/./g')
stage=$(mktemp -d "$out/deb-XXXXXX")
trap 'rm -rf "$stage"' EXIT
"$here/install.sh" install "$bin" "$stage" /usr /lib/systemd/system /etc
install -d "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed "s|@VERSION@|$version|; s|@SIZE@|$size|" "$here/debian/control.in" > "$stage/DEBIAN/control"
install -m 644 "$here/debian/conffiles" "$stage/DEBIAN/"
install -m 755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$stage/DEBIAN/"
deb="$out/crishim_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
