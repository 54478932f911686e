"""Benchmark: weight and server time of the acceptance and survey pages (issue 15, part B).

Run with ``python tests/bench/bench_portal_pages.py [loads]`` (default 20). Each page is served
by its service app in this process (SQLite, in-memory broker), so the time is the server's:
routing, the use case's queries, Jinja and Babel, no network. Each page is loaded `loads` times
after one warm-up load; p50 and p90 of the wall time and p50 of the process's CPU time (what a
loaded machine inflates least) are printed with the page's weight (HTML bytes, gzip bytes,
and the one stylesheet every page shares). The certificate is timed once as drawn (the CJK font
read and subset) and then as served again (kept by the renderer). The baseline, in the same run,
is the JSON API read of the same link (`GET /acceptance/<token>`, `GET /surveys/by-token/<token>`):
the page's cost over the API's is the ratio.
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests/services/delivery")]

from delivery_flow import Flow  # noqa: E402

from services.delivery.app import create_app as delivery_app  # noqa: E402
from services.feedback.app import create_app as feedback_app  # noqa: E402
from tests.helpers import SECRETS, link_in, mailed  # noqa: E402
from tests.page_forms import form_fields  # noqa: E402
from tests.services.feedback.feedback_scenario import (  # noqa: E402
    accept_order,
    register_customer,
)


def app_on_sqlite(factory, folder: Path, name: str):
    app = factory(
        {
            "database_url": f"sqlite:///{folder / name}.db",
            "broker_url": "memory://",
            "namespace": f"bench{uuid.uuid4().hex[:6]}",
            "public_base_url": "https://ordo.example",
            "link_rate_limit": "100000/minute",
            **SECRETS,
        }
    )
    app.extensions["ordo"].db.create_all()
    return app


def timed(client, path: str, loads: int, warm_up: bool = True) -> tuple[list[tuple], bytes]:
    """`loads` GETs of `path`: (wall, CPU) seconds of each, and the last body."""
    if warm_up:
        client.get(path)  # templates compiled, catalogs read
    samples = []
    for _ in range(loads):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        samples.append((time.perf_counter() - started, time.process_time() - cpu))
        assert response.status_code == 200, (path, response.status_code)
    return samples, response.data


def row(name: str, samples: list[tuple], body: bytes, baseline: list[tuple] | None) -> str:
    wall = sorted(sample[0] * 1000 for sample in samples)
    cpu = statistics.median(sample[1] * 1000 for sample in samples)
    p50, p90 = statistics.median(wall), wall[int(0.9 * (len(wall) - 1))]
    ratio = "-"
    if baseline:
        ratio = f"{p50 / statistics.median(sample[0] * 1000 for sample in baseline):.1f}x"
    weight = f"{len(body):>7,} B {len(gzip.compress(body)):>6,} B"
    return f"{name:<34} {p50:7.1f} {p90:7.1f} {cpu:7.1f} {ratio:>7}  {weight}"


def main(loads: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    lines = []

    delivery = Flow(app_on_sqlite(delivery_app, folder, "delivery"))
    package, token = delivery.submitted(customer_name="杭州泵业有限公司", customer_locale="zh-CN")
    client = delivery.client
    page = f"/portal/acceptance/{token}"
    api, _ = timed(client, f"/acceptance/{token}", loads)
    lines.append(row("acceptance API (JSON, baseline)", api, _, None))
    samples, body = timed(client, page, loads)
    lines.append(row("acceptance page (zh-CN)", samples, body, api))
    form = form_fields(body.decode(), action="/portal/")
    for key in re.findall(r'name="(verdict-[^"]+)" value="met"', body.decode()):
        form[key] = "met"
    form.update(decision="accepted", signer_name="王伟", signer_title="经理", consent="yes")
    assert client.post(page, data=form).status_code == 303
    samples, body = timed(client, page, loads)
    lines.append(row("acceptance confirmation", samples, body, api))
    drawn, body = timed(client, f"{page}/certificate.pdf", 1, warm_up=False)
    lines.append(row("certificate PDF, drawn (1 load)", drawn, body, api))
    samples, body = timed(client, f"{page}/certificate.pdf", loads)
    lines.append(row("certificate PDF, kept", samples, body, api))
    css_samples, css = timed(client, "/portal/static/portal.css", loads)

    feedback = app_on_sqlite(feedback_app, folder, "feedback")
    accept_order(feedback, register_customer(feedback, locale="zh-CN"))
    survey = urlsplit(link_in(mailed(feedback)[-1].text_body)).path
    customer = feedback.test_client()
    api, _ = timed(customer, survey.replace("/portal/surveys/", "/surveys/by-token/"), loads)
    lines.append(row("survey API (JSON, baseline)", api, _, None))
    samples, body = timed(customer, survey, loads)
    lines.append(row("survey page (zh-CN)", samples, body, api))
    answer = {**form_fields(body.decode()), "csat": "4", "nps": "9"}
    assert customer.post(survey, data=answer).status_code == 303
    samples, body = timed(customer, survey, loads)
    lines.append(row("survey thank-you", samples, body, api))
    lines.append(row("portal.css (shared, cached)", css_samples, css, None))

    print(f"{loads} loads per page after one warm-up; times in ms (server, in-process)")
    print(
        f"{'page':<34} {'p50':>7} {'p90':>7} {'CPU p50':>7} {'vs API':>7}  {'HTML':>9} {'gzip':>8}"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
