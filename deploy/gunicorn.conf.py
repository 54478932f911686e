"""gunicorn settings for every Ordo web process, from the environment."""

import gc
import os
import shutil
import tempfile

from gunicorn.glogging import Logger

from shared.links import redact_links

bind = os.environ.get("ORDO_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("ORDO_WEB_WORKERS", "2"))
threads = int(os.environ.get("ORDO_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("ORDO_WEB_TIMEOUT", "30"))
# Below Kubernetes' default 30 s termination grace period, so requests in flight finish.
graceful_timeout = int(os.environ.get("ORDO_WEB_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
preload_app = False  # each worker builds its own app, engine and connections after fork
# Worker heartbeats in memory: a container's /tmp may be on a slow overlay filesystem.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
# No gunicornc control socket (gunicorn >= 25.1): it lives in $HOME, which is read-only in the
# image, and the eight processes of `ordo up` would share one path.
control_socket_disable = True
errorlog = "-"
loglevel = os.environ.get("ORDO_LOG_LEVEL", "info").lower()  # as the app's own log lines
accesslog = "-"
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
    '"bytes":%(B)s,"duration_ms":%(M)s,"request_id":"%({x-request-id}o)s"}'
)


class LinkRedactingLogger(Logger):
    """gunicorn's logger, with the token of a customer's link masked wherever an access log
    atom (path, request line, query, referer, headers) would print it."""

    def atoms(self, resp, req, environ, request_time):
        return {
            name: redact_links(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = LinkRedactingLogger

# Prometheus multiprocess mode: every worker writes its counters under this directory and
# /metrics sums them, whichever worker answers the scrape. One directory per master.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ordo-metrics-")


def post_worker_init(worker):
    # The app is built: its objects live as long as the worker, so move them out of the cycle
    # collector's sight (gc.freeze); a request's collections then scan what the request made,
    # not the whole app (a collection during a progress report on a 2,000-task plan doubled it).
    gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.path.basename(os.environ["PROMETHEUS_MULTIPROC_DIR"]).startswith("ordo-metrics-"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
