"""No request holds a web worker longer than ORDO_REQUEST_TIMEOUT_S (30 s).

gunicorn cannot stop a request in a gthread worker: its `timeout` restarts a worker whose
main loop stops answering, and a gthread's main loop keeps answering while one of its threads
computes. So each web process has one watchdog thread that knows every request's deadline,
and when one passes it stops the request's work where it is:

- the request's database statement, if one is running, is cancelled (psycopg's `cancel()`,
  SQLite's `interrupt()`, both made to be called from another thread);
- Python code is interrupted: the watchdog raises RequestTimeout in the request's thread
  (CPython's PyThreadState_SetAsyncExc), which takes effect at the thread's next bytecode,
  and again every second if something swallowed it. RequestTimeout is a BaseException, so no
  `except Exception` catches it, and SQLAlchemy discards a connection it interrupted instead
  of reusing it.

The request's transaction rolls back and the caller gets 503 problem+json with Retry-After.
What a request does after its view returned (streaming a body) is not covered; Ordo's views
build their bodies before returning.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.http.errors import problem_response

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
#: How long after an interruption the watchdog interrupts again, should it have been swallowed.
REPEAT_SECONDS = 1.0


class RequestTimeout(BaseException):
    """Raised in a request's thread when the request ran out of time."""


@dataclass
class Deadline:
    thread_id: int
    at: float
    cancels: list[Callable[[], None]] = field(default_factory=list)
    interrupted_at: float | None = None
    number: int = 0


class Watchdog:
    """One per process: interrupts the requests whose deadline passed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deadlines: dict[int, Deadline] = {}
        self._numbers = itertools.count(1)
        self._thread: threading.Thread | None = None

    def start(self, seconds: float) -> Deadline:
        deadline = Deadline(threading.get_ident(), time.monotonic() + seconds)
        with self._lock:
            deadline.number = next(self._numbers)
            self._deadlines[deadline.thread_id] = deadline
            if self._thread is None or not self._thread.is_alive():  # e.g. after a fork
                self._thread = threading.Thread(target=self._watch, name="ordo-deadline")
                self._thread.daemon = True
                self._thread.start()
        return deadline

    def finish(self, deadline: Deadline) -> None:
        """The request is over: forget its deadline and drop an interruption still pending."""
        with self._lock:
            if self._deadlines.get(deadline.thread_id) is deadline:
                del self._deadlines[deadline.thread_id]
            if deadline.interrupted_at is not None:
                _raise_in(deadline.thread_id, None)

    def disarm(self) -> None:
        """This thread's request is committing: let it finish whatever the time."""
        deadline = self._deadlines.get(threading.get_ident())
        if deadline is not None:
            self.finish(deadline)

    def on_deadline(self, cancel: Callable[[], None]) -> None:
        """Call `cancel` (from the watchdog's thread) if this thread's request runs out of time."""
        deadline = self._deadlines.get(threading.get_ident())
        if deadline is not None:
            deadline.cancels.append(cancel)

    def _watch(self) -> None:
        while True:
            time.sleep(0.05)
            now = time.monotonic()
            with self._lock:
                for deadline in self._deadlines.values():
                    if now >= deadline.at and (
                        deadline.interrupted_at is None
                        or now - deadline.interrupted_at >= REPEAT_SECONDS
                    ):
                        self._interrupt(deadline, now)

    @staticmethod
    def _interrupt(deadline: Deadline, now: float) -> None:
        if deadline.interrupted_at is None:
            logger.warning("request ran out of time; stopping it (thread %s)", deadline.thread_id)
        deadline.interrupted_at = now
        for cancel in deadline.cancels:
            try:
                cancel()
            except Exception:  # a connection already gone has nothing left to cancel
                logger.debug("cancelling a statement failed", exc_info=True)
        _raise_in(deadline.thread_id, RequestTimeout)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in the thread at its next bytecode (None: withdraw a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


WATCHDOG = Watchdog()


class RequestDeadline:
    """WSGI middleware: the wrapped app answers within `seconds`, or 503."""

    def __init__(self, app, seconds: float):
        self.app = app
        self.seconds = seconds

    def __call__(self, environ, start_response):
        deadline = WATCHDOG.start(self.seconds)
        try:
            return self.app(environ, start_response)
        except RequestTimeout:
            response = problem_response(
                503,
                "Service Unavailable",
                f"The request took longer than {self.seconds:g} s and was stopped; nothing "
                "was changed. Try again later, or ask for less at once.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            return response(environ, start_response)
        finally:
            while True:  # an interruption may land while finishing: finish regardless
                try:
                    WATCHDOG.finish(deadline)
                    break
                except RequestTimeout:
                    continue
