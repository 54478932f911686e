"""A small JSON-over-HTTP client for scripts talking to a running suite (`ordo demo`, e2e)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class RequestFailed(RuntimeError):
    def __init__(self, method: str, url: str, status: int, body: Any):
        super().__init__(f"{method} {url} answered {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: Any


class ServiceClient:
    """Calls one service with one bearer token."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def as_(self, token: str) -> ServiceClient:
        return ServiceClient(self.base_url, token, self.timeout)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict | None = None
    ) -> Response:
        url = self.base_url + path
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return Response(answer.status, dict(answer.headers), _decode(answer.read()))
        except urllib.error.HTTPError as error:
            raise RequestFailed(method, url, error.code, _decode(error.read())) from None

    def get(self, path: str, **kwargs) -> Any:
        return self.request("GET", path, **kwargs).body

    def post(self, path: str, body: Any = None, **kwargs) -> Any:
        return self.request("POST", path, body if body is not None else {}, **kwargs).body

    def patch(self, path: str, body: Any, **kwargs) -> Any:
        return self.request("PATCH", path, body, **kwargs).body


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def wait_until(condition: Callable[[], Any], timeout: float, every: float = 0.05) -> Any:
    """Poll `condition` until it returns something truthy; TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up after {timeout}s")
        time.sleep(every)
