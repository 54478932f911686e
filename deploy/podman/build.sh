#!/bin/sh
# Build the Ordo image from the working tree with podman, where no image registry is reachable:
#   sh deploy/podman/build.sh [tag]      (default localhost/ordo:latest; `make image`)
# The base is the locally made Debian image (base-image.sh, kept between builds). The host's CA
# bundle reaches pip as a build secret, so the image never contains it.
set -eu
cd "$(dirname "$0")/../.."

tag=${1:-${ORDO_IMAGE:-localhost/ordo:latest}}
base=${ORDO_BASE_IMAGE:-localhost/ordo-base:bookworm}
ca=${ORDO_BUILD_CA:-/etc/ssl/certs/ca-certificates.crt}

sh deploy/podman/base-image.sh "$base"
set -- --secret "id=ca,src=$ca"
[ -s "$ca" ] || set --
# crun fails on this kind of host (cgroups in hybrid mode) and a container may not raise its
# limits above the host's: runc and explicit ulimits (docs/deploy.md).
podman build --runtime "${ORDO_OCI_RUNTIME:-runc}" --network host \
    --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    --build-arg "PYTHON_IMAGE=$base" "$@" \
    -f deploy/Dockerfile -t "$tag" .
