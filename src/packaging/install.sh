#!/bin/bash
# Installs what `make build` put in BIN into DESTDIR/PREFIX (the layout of the .deb and of `make install`):
#   PREFIX/lib/crishim/         daemon, runtime helper, crishimctl and their assemblies
#   PREFIX/bin/crishim, crishimctl   links into it (the helper is found next to the real daemon)
#   UNITDIR/crishim.service     the systemd unit, ExecStart pointing at PREFIX/bin
#   /etc/crishim/crishim.toml   the default configuration, every key commented (kept if present)
#   PREFIX/share/man/man8/crishim.8.gz, PREFIX/share/doc/crishim/examples/10-crishim-bridge.conflist
set -euo pipefail
usage() { echo "usage: install.sh install|uninstall BIN DESTDIR PREFIX UNITDIR SYSCONFDIR" >&2; exit 2; }
[ $# -eq 6 ] || usage
action=$1 bin=$2 destdir=$3 prefix=$4 unitdir=$5 sysconfdir=$6
here=$(cd "$(dirname "$0")" && pwd)
lib=$destdir$prefix/lib/crishim

case $action in
install)
    [ -x "$bin/crishim" ] && [ -x "$bin/crishim-runtime" ] && [ -x "$bin/crishimctl" ] || { echo "install.sh: run make build first ($bin)" >&2; exit 1; }
    install -d "$lib" "$destdir$prefix/bin" "$destdir$unitdir" "$destdir$sysconfdir/crishim" \
        "$destdir$prefix/share/man/man8" "$destdir$prefix/share/doc/crishim/examples"
    for file in "$bin"/*; do
        case $(basename "$file") in
            *.pdb|*.dbg|crishim-vmtests|crishim-vmtests.*) continue ;;
        esac
        install -m "$([ -x "$file" ] && echo 755 || echo 644)" "$file" "$lib/"
    done
    ln -sfn "../lib/crishim/crishim" "$destdir$prefix/bin/crishim"
    ln -sfn "../lib/crishim/crishimctl" "$destdir$prefix/bin/crishimctl"
    sed "s|@BINDIR@|$prefix/bin|g" "$here/crishim.service.in" > "$destdir$unitdir/crishim.service"
    chmod 644 "$destdir$unitdir/crishim.service"
    if [ ! -e "$destdir$sysconfdir/crishim/crishim.toml" ]; then
        install -m 644 "$here/crishim.toml" "$destdir$sysconfdir/crishim/crishim.toml"
    fi
    install -m 644 "$here/10-crishim-bridge.conflist" "$destdir$prefix/share/doc/crishim/examples/"
    "$here/manpage.sh" "$bin/crishim" | gzip -9n > "$destdir$prefix/share/man/man8/crishim.8.gz"
    ;;
uninstall)
    rm -rf "$lib" "$destdir$prefix/share/doc/crishim"
    rm -f "$destdir$prefix/bin/crishim" "$destdir$prefix/bin/crishimctl" "$destdir$unitdir/crishim.service" \
        "$destdir$prefix/share/man/man8/crishim.8.gz"
    # The configuration is the operator's: removed only when unchanged from the default.
    if cmp -s "$here/crishim.toml" "$destdir$sysconfdir/crishim/crishim.toml"; then
        rm -f "$destdir$sysconfdir/crishim/crishim.toml"
        rmdir "$destdir$sysconfdir/crishim" 2>/dev/null || true
    fi
    ;;
*) usage ;;
esac
