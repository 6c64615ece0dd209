#!/bin/bash
# Writes crishim(8) in troff from the daemon's own --help, so the flags are documented once.
set -euo pipefail
daemon=$1
version=$("$daemon" --version | awk '{print $2}')
cat <<MAN
.TH CRISHIM 8 "" "crishim $version" "System Administration"
.SH NAME
crishim \- Kubernetes container runtime (CRI)
.SH SYNOPSIS
.B crishim
[\fB\-\-flag\fR \fIvalue\fR]...
.SH DESCRIPTION
crishim serves the Kubernetes Container Runtime Interface on a unix socket. Each flag overrides the key
of the same meaning in \fI/etc/crishim/crishim.toml\fR. SIGHUP re-reads the configuration: log_level and
cni_conf_dir apply at once, other keys at the next start. Stopping the daemon leaves containers running.
.SH OPTIONS
.nf
$("$daemon" --help | sed 's/\\/\\\\/g; s/^\./\\\&./')
.fi
.SH FILES
.TP
.I /etc/crishim/crishim.toml
configuration, every key commented with its default
.TP
.I /run/crishim/crishim.sock
the CRI socket
.SH SEE ALSO
.BR crishimctl (1),
.BR kubelet (1)
MAN
