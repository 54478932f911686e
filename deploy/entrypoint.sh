#!/bin/sh
# Start one Ordo process: entrypoint.sh <service> <web|worker|migrate>.
# The image's ENTRYPOINT, `ordo up` and the e2e tests all start processes through this script,
# so what runs in a container is what runs on a laptop. `exec` hands the process our PID, so
# SIGTERM from Docker or Kubernetes reaches gunicorn or the worker directly.
set -eu

usage() {
    echo "entrypoint.sh: $1" >&2
    echo "usage: entrypoint.sh <orders|planning|delivery|feedback> <web|worker|migrate>" >&2
    exit 64
}

[ "$#" -eq 2 ] || usage "expected a service and a process, got $# argument(s)"
service=$1
process=$2

case "$service" in
    orders) port=${ORDO_ORDERS_PORT:-8001} ;;
    planning) port=${ORDO_PLANNING_PORT:-8002} ;;
    delivery) port=${ORDO_DELIVERY_PORT:-8003} ;;
    feedback) port=${ORDO_FEEDBACK_PORT:-8004} ;;
    *) usage "unknown service '$service'" ;;
esac

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
python=${PYTHON:-python}

case "$process" in web | worker | migrate) ;; *) usage "unknown process '$process'" ;; esac
# Bad settings or an unreachable database/broker: one line naming it and a non-zero exit
# (after retrying with backoff for ORDO_STARTUP_TIMEOUT seconds), never a traceback loop.
"$python" -m shared.preflight "$service" "$process" || exit $?

case "$process" in
    web)
        ORDO_BIND=${ORDO_BIND:-0.0.0.0:$port}
        export ORDO_BIND
        exec "$python" -m gunicorn -c "$here/gunicorn.conf.py" "services.$service.wsgi:app"
        ;;
    worker)
        exec "$python" -m "services.$service.worker"
        ;;
    migrate)
        exec "$python" -m shared.cli migrate --service "$service"
        ;;
    *) usage "unknown process '$process'" ;;
esac
