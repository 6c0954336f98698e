"""The HTTP session the PxWebApi client talks through.

Status retries are urllib3's ``Retry``, mounted on the session's adapters (the pattern
dagster-open-platform uses): 429 and 5xx, dropped connections and timeouts are retried with
exponential backoff, and ``Retry-After`` is honoured. POST is retried too: a PxWebApi v2 POST is
a query (a read), sent as POST only because its selection is too long for a URL.

Our own code here is only what urllib3 does not do:
- **pacing** (``PacedSession``): requests are spaced ``min_interval`` apart, and when the
  rate-limit window is used up (``x-ratelimit-remaining: 0``) the next request waits for
  ``x-ratelimit-reset``. urllib3 reacts to a 429; this avoids causing one (SSB allows about 30
  requests a minute per IP address);
- **x-ratelimit-reset on a 429** (``RateLimitRetry``): when the API sends no ``Retry-After``,
  wait for the window to reset rather than backing off blindly;
- **a ceiling on every wait**: no header makes a run wait longer than ``backoff_max`` (urllib3
  caps its backoff, never ``Retry-After``), so one header cannot hold the one-run-at-a-time
  queue for an hour;
- **the connectivity probe**: one request, no retries, a short timeout.

Imported when a client is made (requests and urllib3 take ~90 ms to import), not when the code
location loads."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: A PxWebApi v2 POST is a read (a long selection), so it is as safe to repeat as a GET.
RETRY_METHODS = frozenset({"GET", "POST"})


def reset_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until the rate-limit window resets (``x-ratelimit-reset``, a delta), or None."""
    try:
        return max(float(headers.get("x-ratelimit-reset", "")), 0.0)
    except ValueError:
        return None


class RateLimitRetry(Retry):
    """urllib3's ``Retry``; a wait the API asks for falls back to ``x-ratelimit-reset`` when there
    is no (valid) ``Retry-After``, and is never longer than ``backoff_max``."""

    def get_retry_after(self, response) -> float | None:
        try:
            seconds = super().get_retry_after(response)
        except InvalidHeader:  # urllib3 raises on a malformed Retry-After
            seconds = None
        if seconds is None:
            seconds = reset_seconds(response.headers)
        return None if seconds is None else min(seconds, self.backoff_max)


def retry_policy(retries: int, backoff: float, max_wait: float) -> Retry:
    """Retries of one request: waits of 0, 2, 4, 8 × ``backoff`` seconds, or what the API asks."""
    return RateLimitRetry(
        total=retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=RETRY_METHODS,
        backoff_factor=backoff,
        backoff_max=max_wait,
        respect_retry_after_header=True,
        raise_on_status=False,  # hand back the last 429/5xx, so the error names its status
    )


class PacedSession(requests.Session):
    """A ``requests.Session`` with ``retry`` on its adapters that spaces its requests."""

    def __init__(
        self,
        retry: Retry,
        *,
        min_interval: float,
        max_wait: float,
        user_agent: str,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        super().__init__()
        self.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        adapter = HTTPAdapter(max_retries=retry)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        self.min_interval, self.max_wait = min_interval, max_wait
        self.sleep, self.clock = sleep, clock
        self._not_before = 0.0

    def wait_turn(self) -> None:
        wait = self._not_before - self.clock()
        if wait > 0:
            self.sleep(wait)
        self._not_before = self.clock() + self.min_interval

    def request(self, method, url, *args, **kwargs) -> requests.Response:
        self.wait_turn()
        response = super().request(method, url, *args, **kwargs)
        if response.headers.get("x-ratelimit-remaining") == "0":
            delay = reset_seconds(response.headers)
            delay = min(self.min_interval if delay is None else delay, self.max_wait)
            self._not_before = max(self._not_before, self.clock() + delay)
        return response

    def probe(self, url: str, timeout: float) -> requests.Response:
        """One GET with a short timeout and no retries (a fresh session has none); raises
        ``requests.RequestException`` when nothing answers."""
        self.wait_turn()
        with requests.Session() as plain:
            return plain.get(url, timeout=timeout, headers=dict(self.headers))
