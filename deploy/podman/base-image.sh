#!/bin/sh
# The Debian base image the Dockerfile builds on where no image registry can be reached:
#   sh deploy/podman/base-image.sh [image]     (default localhost/ordo-base:bookworm)
# debootstrap makes a minimal bookworm with python3, python3-venv and ca-certificates from the
# Debian mirror this machine's apt already uses; podman imports it. An existing image is kept
# (ORDO_BASE_REBUILD=1 makes it again). Needs root, podman and debootstrap.
set -eu

image=${1:-localhost/ordo-base:bookworm}
if [ "${ORDO_BASE_REBUILD:-0}" != 1 ] && podman image exists "$image"; then
    echo "base image $image exists (ORDO_BASE_REBUILD=1 makes it again)"
    exit 0
fi

# The first Debian mirror in apt's sources (deb822 "URIs:" or one-line "deb URL suite").
mirror=${ORDO_DEBIAN_MIRROR:-$(
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }'
)}
[ -n "$mirror" ] || mirror=$(
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" && $2 !~ /security/ { print ($2 ~ /^\[/ ? $3 : $2); exit }'
)
[ -n "$mirror" ] || { echo "base-image.sh: no Debian mirror in apt's sources; set ORDO_DEBIAN_MIRROR" >&2; exit 1; }

rootfs=$(mktemp -d "${TMPDIR:-/var/tmp}/ordo-base.XXXXXX")
trap 'rm -rf "$rootfs"' EXIT
echo "debootstrap bookworm from $mirror"
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -n 20 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"
ln -sf python3 "$rootfs/usr/bin/python"
# What a container never needs: downloaded packages, package lists, docs, man pages, locales.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/cache/apt/*.bin
tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "imported $image"
