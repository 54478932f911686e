"""`ordo demo`: one order from draft to closed over HTTP, acting as each role in turn.

Against a running suite (`ordo up`), sales registers a customer and an order with two
requirements, a manager reviews and approves it, the planner staffs and activates the plan,
engineers report the work done, quality inspects (one check fails and is reworked), logistics
hands the package over, the customer accepts it through the signed link and answers the
survey, and the manager completes the retrospective, which closes the order. Every wait is
for an event another service reacts to, polled over HTTP.

The customer's links come the way a customer gets them: by mail. No API and no event shows a
link, so the demo reads the newest matching `.eml` file the services wrote under the mail
directory (`<ORDO_VAR_DIR>/mail/`, where mail goes while ORDO_SMTP_URL is unset).
"""

from __future__ import annotations

import email
import email.policy
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from shared.client import ServiceClient, wait_until
from shared.config import SERVICES, port, var_dir
from shared.http.auth import mint_token

REQUIREMENTS = (
    {
        "title": "Erect 40 cartons a minute",
        "description": "The line erects and glues cartons at the packing station's pace.",
        "kind": "core",
        "source": "interview",
        "priority": "must",
        "estimate_days": 4,
        "acceptance_criteria": [
            {"text": "40 cartons a minute sustained for 2 hours"},
            {"text": "Fewer than 1 in 1,000 cartons rejected"},
        ],
    },
    {
        "title": "Operator changeover under 10 minutes",
        "description": "One operator changes the carton format without tools.",
        "kind": "constraint",
        "source": "document",
        "priority": "should",
        "estimate_days": 2,
        "acceptance_criteria": [{"text": "Format changeover by one operator in 10 minutes"}],
    },
)

# Who reports progress on a task of each department.
REPORTERS = {"quality": "quality", "logistics": "logistics"}

SURVEY_ANSWER = {
    "csat": 5,
    "nps": 9,
    "quality": 4,
    "schedule": 4,
    "communication": 5,
    "service": 5,
    "comment": "The rework after the first inspection was quick and well explained.",
}


def default_urls() -> dict[str, str]:
    return {service: f"http://127.0.0.1:{port(service)}" for service in SERVICES}


def default_mail_dir() -> Path:
    """Where the services write mail as `.eml` files while ORDO_SMTP_URL is unset."""
    return var_dir() / "mail"


def link_from_mail(mail_dir: Path, to: str, path_marker: str) -> str | None:
    """The link whose path holds `path_marker` (e.g. "/acceptance/") in the newest mail to
    `to` under `mail_dir`, read from the mail's text part; None while no such mail is there.

    The mail files are named by the time they were sent, so the newest sorts last.
    """
    for path in sorted(Path(mail_dir).glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if parseaddr(str(message["To"]))[1].lower() != to.lower():
            continue
        text = message.get_body(preferencelist=("plain",))
        if text is None:
            continue
        for link in re.findall(r"https?://\S+", text.get_content()):
            if path_marker in link:
                return link
    return None


@dataclass
class DemoResult:
    """What the demo did and what the suite shows at the end."""

    order_id: str
    order_number: str
    customer_id: str
    statuses: dict[str, Any]
    timeline: list[dict]
    traceability: dict
    kpis: dict
    seconds: float
    steps: list[str] = field(default_factory=list)


class Demo:
    """Drives one order through its whole life; `run()` returns a DemoResult."""

    def __init__(
        self,
        urls: dict[str, str],
        secret: str,
        timeout: float = 30.0,
        say: Callable[[str], None] = print,
        mail_dir: Path | None = None,
    ):
        self.urls = urls
        self.secret = secret
        self.timeout = timeout
        self.say = say
        self.mail_dir = Path(mail_dir) if mail_dir else default_mail_dir()
        self.customer_email = ""
        self.run_tag = uuid.uuid4().hex[:6]
        self.steps: list[str] = []
        self.started = time.monotonic()

    # --- plumbing -------------------------------------------------------------------------

    def client(self, service: str, role: str, customer_id: str | None = None) -> ServiceClient:
        token = mint_token(self.secret, f"demo-{role}", [role], customer_id)
        return ServiceClient(self.urls[service], token)

    def log(self, role: str, message: str) -> None:
        line = f"[{time.monotonic() - self.started:6.1f}s] {role}: {message}"
        self.steps.append(line)
        self.say(line)

    def wait(self, what: str, condition: Callable[[], Any]) -> Any:
        try:
            return wait_until(condition, self.timeout, every=0.2)
        except TimeoutError:
            raise TimeoutError(f"gave up after {self.timeout}s waiting until {what}") from None

    # --- the story ------------------------------------------------------------------------

    def run(self) -> DemoResult:
        order, requirements = self.sell()
        self.review(order, requirements)
        plan = self.plan(order)
        self.communicate(order, plan)
        self.work(plan, "engineers", "reported every task done")
        deliverables = self.wait_ready_for_qc(order, "every deliverable is ready for QC")
        failed = self.inspect(deliverables, fail_first=True)
        self.wait_for_rework(plan, failed)
        self.work(plan, "engineers", "completed the rework and the reset tasks")
        self.wait_ready_for_qc(order, "the reworked deliverable is ready for QC again", failed)
        self.inspect([failed], fail_first=False)
        self.hand_over(order)
        self.accept(order, self.mailed_link("the acceptance request is mailed", "/acceptance/"))
        self.answer_survey(order)
        self.retrospective(order)
        self.log(
            "customer",
            f"can follow the order at {self.urls['orders']}/portal/ "
            f"(sign in with {self.customer_email}; the link arrives by mail)",
        )
        return self.result(order, plan)

    def sell(self) -> tuple[dict, list[dict]]:
        sales = self.client("orders", "sales")
        self.customer_email = f"ops-{self.run_tag}@nordic-packaging.example"
        customer = sales.post(
            "/customers",
            {
                "name": f"Nordic Packaging {self.run_tag}",
                "email": self.customer_email,
                "locale": "en",
                "contact_name": "Ingrid Holm",
                "phone": "+46 31 555 0100",
            },
        )
        order = sales.post(
            "/orders",
            {
                "customer_id": customer["id"],
                "title": f"Carton erector line {self.run_tag}",
                "description": "Design, build and commission a carton erector for line 3.",
                "priority": "high",
                "due_date": (date.today() + timedelta(days=120)).isoformat(),
                "value": {"amount": "240000.00", "currency": "EUR"},
            },
        )
        requirements = [
            sales.post(f"/orders/{order['id']}/requirements", requirement)
            for requirement in REQUIREMENTS
        ]
        criteria = sum(len(r["acceptance_criteria"]) for r in requirements)
        self.log(
            "sales",
            f"created order {order['number']} for {customer['name']} with "
            f"{len(requirements)} requirements ({criteria} acceptance criteria)",
        )
        sales.post(f"/orders/{order['id']}/submit")
        self.log("sales", f"submitted {order['number']} for review")
        return order, requirements

    def review(self, order: dict, requirements: list[dict]) -> None:
        manager = self.client("orders", "manager")
        manager.post(
            f"/orders/{order['id']}/reviews",
            {
                "decisions": [
                    {"requirement_id": r["id"], "decision": "approved", "comment": "Clear."}
                    for r in requirements
                ]
            },
        )
        customer = self.client("orders", "customer", order["customer_id"])
        customer.post(
            f"/orders/{order['id']}/customer-review",
            {
                "decisions": [
                    {"requirement_id": r["id"], "decision": "approved"} for r in requirements
                ]
            },
        )
        self.log("customer", "agreed to every requirement (the portal's review, by API here)")
        confirmed = manager.post(f"/orders/{order['id']}/approve")
        self.log("manager", f"approved every requirement; order is {confirmed['status']}")

    def plan(self, order: dict) -> dict:
        planner = self.client("planning", "planner")
        plan = self.wait(
            "planning has the plan",
            lambda: next(iter(planner.get(f"/plans?order_id={order['id']}")["items"]), None),
        )
        self.log("planner", f"found draft plan {plan['id']} (finish {plan.get('finish_date')})")
        people = [
            planner.post(
                "/resources",
                {
                    "name": f"{name} ({self.run_tag})",
                    "kind": "person",
                    "department": "engineering",
                    "hours_per_day": 8,
                    "cost_rate": "82.00",
                },
            )
            for name in ("Mechanical engineer", "Controls engineer")
        ]
        packages = [task for task in self.tasks(plan) if task["origin"] == "work_package"]
        for task, person in zip(packages, people * len(packages), strict=False):
            planner.post(
                f"/tasks/{task['id']}/allocations",
                {"resource_id": person["id"], "hours_per_day": 6},
            )
        self.log(
            "planner",
            f"created {len(people)} resources and allocated them to {len(packages)} work packages",
        )
        activated = planner.post(f"/plans/{plan['id']}/activate", {})
        orders = self.client("orders", "planner")
        self.wait(
            "the order is in progress",
            lambda: orders.get(f"/orders/{order['id']}")["status"] == "in_progress",
        )
        self.log(
            "planner",
            f"activated the plan ({activated['status']}); order {order['number']} is in progress",
        )
        return plan

    def communicate(self, order: dict, plan: dict) -> None:
        """The kick-off with the customer, minuted with an action item, and the first weekly
        status report published to the customer; both reach the order timeline."""
        planner = self.client("planning", "planner")
        kick_off = planner.post(
            f"/plans/{plan['id']}/meetings",
            {
                "kind": "kick_off",
                "title": f"Kick-off {order['number']}",
                "starts_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "place": "Line 3 meeting room",
                "attendees": [
                    {"kind": "staff", "user_id": "demo-manager", "role": "manager"},
                    {"kind": "staff", "user_id": "demo-planner", "role": "planner"},
                    {"kind": "customer", "name": "Ingrid Holm", "email": self.customer_email},
                ],
                "agenda": ["Scope and acceptance criteria", "Plan and milestones", "Risks"],
            },
        )
        self.log("planner", "scheduled the kick-off; the invitation is mailed to the customer")
        planner.request(
            "PUT",
            f"/meetings/{kick_off['id']}/minutes",
            {
                "minutes": "Scope, plan and acceptance criteria walked through and agreed.",
                "decisions": [{"text": "Weekly status report every Friday"}],
                "action_items": [
                    {
                        "title": "Send the line 3 floor plan",
                        "owner": self.customer_email,
                        "due_date": (date.today() + timedelta(days=5)).isoformat(),
                    }
                ],
            },
            headers={"If-Match": "*"},
        )
        planner.post(f"/meetings/{kick_off['id']}/minutes/publish")
        self.log("planner", "published the kick-off minutes with one action item")
        report = planner.post(
            f"/plans/{plan['id']}/status-reports", {"status_date": date.today().isoformat()}
        )
        manager = self.client("planning", "manager")
        manager.patch(
            f"/status-reports/{report['id']}",
            {"narrative": "Kick-off held; engineering starts this week as planned."},
            headers={"If-Match": "*"},
        )
        published = manager.post(f"/status-reports/{report['id']}/publish")
        orders = self.client("orders", "manager")
        self.wait(
            "the status report is on the order timeline",
            lambda: any(
                entry["type"] == "ordo.status_report.published"
                for entry in orders.get(f"/orders/{order['id']}/timeline")
            ),
        )
        self.log(
            "manager",
            f"published status report {published['number']} ({published['rag']}); "
            "the customer is mailed and the timeline shows it",
        )

    def tasks(self, plan: dict) -> list[dict]:
        reader = self.client("planning", "planner")
        return reader.get(f"/plans/{plan['id']}/tasks")["items"]

    def work(self, plan: dict, who: str, done: str) -> None:
        """Report 100 % on every unfinished leaf task, in WBS order; milestones follow."""
        reported = []
        for task in self.tasks(plan):
            if task["summary"] or task["milestone"] or task["percent_complete"] >= 100:
                continue
            role = REPORTERS.get(task["department"], "engineer")
            self.client("planning", role).post(
                f"/tasks/{task['id']}/progress",
                {
                    "percent_complete": 100,
                    "actual_hours": task["effort_hours"],
                    "actual_cost": task["cost"],
                },
            )
            reported.append(f"{task['wbs_code']} {task['name']}")
        self.log(who, f"{done}: {'; '.join(reported)}")

    def wait_ready_for_qc(self, order: dict, what: str, only: dict | None = None) -> list[dict]:
        quality = self.client("delivery", "quality")

        def ready():
            items = quality.get(f"/deliverables?order_id={order['id']}")["items"]
            if only is not None:
                items = [item for item in items if item["id"] == only["id"]]
            if items and all(item["status"] == "ready_for_qc" for item in items):
                return items
            return None

        deliverables = self.wait(what, ready)
        self.log("quality", f"{len(deliverables)} deliverable(s) ready for QC")
        return deliverables

    def inspect(self, deliverables: list[dict], fail_first: bool) -> dict | None:
        """Inspect each deliverable; with `fail_first`, the first one's first criterion fails."""
        quality = self.client("delivery", "quality")
        failed = None
        for index, deliverable in enumerate(deliverables):
            failing = fail_first and index == 0
            answers = [
                {
                    "criterion_id": criterion["criterion_id"],
                    "result": "fail" if failing and position == 0 else "pass",
                    "comment": "34 cartons a minute after 40 minutes: glue unit overheats"
                    if failing and position == 0
                    else "",
                }
                for position, criterion in enumerate(deliverable["criteria"])
            ]
            body: dict[str, Any] = {"criteria": answers}
            if failing:
                body["non_conformance"] = {
                    "severity": "major",
                    "description": "Glue unit overheats above 35 cartons a minute",
                    "owner": "Production",
                    "corrective_action": "Fit the larger glue pump and re-test",
                    "preventive_action": "Add a sustained-rate run to the factory test",
                }
            check = quality.post(f"/deliverables/{deliverable['id']}/quality-checks", body)
            verdict = "passed" if check["passed"] else "FAILED (non-conformance raised)"
            self.log("quality", f"inspected '{deliverable['title']}': {verdict}")
            if not check["passed"]:
                failed = deliverable
        return failed

    def wait_for_rework(self, plan: dict, failed: dict) -> None:
        def rework():
            tasks = self.tasks(plan)
            added = [t for t in tasks if t["origin"] == "rework" and t["percent_complete"] < 100]
            return added if added else None

        added = self.wait("planning has the rework task", rework)
        status = self.client("planning", "planner").get(f"/plans/{plan['id']}")["status"]
        self.log(
            "planner",
            f"plan is {status} with rework for '{failed['title']}': "
            + "; ".join(task["name"] for task in added),
        )

    def mailed_link(self, what: str, path_marker: str) -> str:
        """The link in the newest mail to the customer, once the worker has sent it."""
        link = self.wait(
            what, lambda: link_from_mail(self.mail_dir, self.customer_email, path_marker)
        )
        self.log("customer", f"found the link in the mail to {self.customer_email}")
        return link

    def hand_over(self, order: dict) -> None:
        logistics = self.client("delivery", "logistics")
        deliverables = logistics.get(f"/deliverables?order_id={order['id']}")["items"]
        package = logistics.post(
            "/deliveries",
            {
                "order_id": order["id"],
                "deliverable_ids": [deliverable["id"] for deliverable in deliverables],
                "document_ids": [],
                "note": "Commissioned and inspected; please review and sign.",
            },
        )
        submitted = logistics.post(f"/deliveries/{package['id']}/submit")
        self.log(
            "logistics",
            f"submitted delivery package v{submitted['package_version']} with "
            f"{len(deliverables)} deliverables; the acceptance link was mailed to "
            f"{submitted['link_sent_to']}",
        )
        orders = self.client("orders", "logistics")
        self.wait(
            "the order is delivered",
            lambda: orders.get(f"/orders/{order['id']}")["status"] in ("delivered", "accepted"),
        )

    def accept(self, order: dict, acceptance_url: str) -> None:
        # The mail links to the acceptance page; the demo drives the JSON API behind the same
        # token (the link is the credential: no bearer token).
        link = ServiceClient(acceptance_url.replace("/portal/acceptance/", "/acceptance/"))
        package = link.get("")
        criteria = [
            criterion
            for deliverable in package["content"]["deliverables"]
            for criterion in deliverable["criteria"]
        ]
        link.post(
            "",
            {
                "decision": "accepted",
                "answers": [
                    {"criterion_id": criterion["criterion_id"], "met": True, "comment": "Met."}
                    for criterion in criteria
                ],
                "signer_name": "Ingrid Holm",
                "signer_title": "Head of Operations",
                "organisation": f"Nordic Packaging {self.run_tag}",
            },
        )
        self.log(
            "customer",
            f"opened the acceptance link and accepted {package['order_number']} "
            f"with all {len(criteria)} criteria met, signed by Ingrid Holm",
        )
        orders = self.client("orders", "manager")
        self.wait(
            "the order is accepted",
            lambda: orders.get(f"/orders/{order['id']}")["status"] == "accepted",
        )
        self.log("manager", f"order {order['number']} is accepted")

    def answer_survey(self, order: dict) -> None:
        page = self.mailed_link("the survey is mailed", "/portal/surveys/")
        link = ServiceClient(page.replace("/portal/surveys/", "/surveys/by-token/"))
        form = link.get("")
        link.post("", SURVEY_ANSWER)
        self.log(
            "customer",
            f"answered the survey ({len(form['questions'])} questions): "
            f"CSAT {SURVEY_ANSWER['csat']}, NPS {SURVEY_ANSWER['nps']}",
        )

    def retrospective(self, order: dict) -> None:
        manager = self.client("feedback", "manager")
        retrospective = self.wait(
            "the retrospective is open",
            lambda: next(
                iter(manager.get(f"/retrospectives?order_id={order['id']}")["items"]), None
            ),
        )
        path = f"/retrospectives/{retrospective['id']}"
        manager.post(
            f"{path}/lessons",
            {
                "went_well": "Rework was planned and done within two days of the failed check.",
                "problem": "The glue unit was sized for the nominal rate, not the sustained one.",
                "root_cause": "The factory test ran for 20 minutes only.",
                "suggestion": "Test sustained rates for the full duration in the factory.",
                "tags": ["factory-test", "glue-unit"],
            },
        )
        current = manager.request("GET", path)
        manager.request(
            "POST",
            f"{path}/complete",
            {"summary": "Delivered and accepted after one rework loop."},
            headers={"If-Match": _header(current.headers, "ETag")},
        )
        orders = self.client("orders", "manager")
        self.wait(
            "the order is closed",
            lambda: orders.get(f"/orders/{order['id']}")["status"] == "closed",
        )
        self.log("manager", "added a lesson learned, completed the retrospective: closed")

    def result(self, order: dict, plan: dict) -> DemoResult:
        orders = self.client("orders", "manager")
        feedback = self.client("feedback", "manager")
        customer_id = order["customer_id"]

        def kpis_show_it_closed():
            figures = feedback.get(f"/kpis?customer_id={customer_id}")["overall"]
            return figures if figures["orders_by_status"].get("closed") == 1 else None

        kpis = self.wait("the KPIs count the closed order", kpis_show_it_closed)
        delivery = self.client("delivery", "manager")
        statuses = {
            "order": orders.get(f"/orders/{order['id']}")["status"],
            "plan": self.client("planning", "manager").get(f"/plans/{plan['id']}")["status"],
            "deliverables": sorted(
                d["status"] for d in delivery.get(f"/deliverables?order_id={order['id']}")["items"]
            ),
            "deliveries": [
                p["status"] for p in delivery.get(f"/deliveries?order_id={order['id']}")["items"]
            ],
            "surveys_answered": sum(
                1
                for s in feedback.get(f"/surveys?order_id={order['id']}")["items"]
                if s["answered_at"]
            ),
            "retrospective": feedback.get(f"/retrospectives?order_id={order['id']}")["items"][0][
                "status"
            ],
        }
        return DemoResult(
            order_id=order["id"],
            order_number=order["number"],
            customer_id=customer_id,
            statuses=statuses,
            timeline=orders.get(f"/orders/{order['id']}/timeline"),
            traceability=orders.get(f"/orders/{order['id']}/traceability"),
            kpis=kpis,
            seconds=time.monotonic() - self.started,
            steps=self.steps,
        )


def _header(headers: dict[str, str], name: str) -> str:
    return next(value for key, value in headers.items() if key.lower() == name.lower())


# --- printing -----------------------------------------------------------------------------


def report(result: DemoResult) -> str:
    """The timeline, the traceability and the KPIs as aligned text."""
    lines = [f"Order {result.order_number} ({result.order_id}) in {result.seconds:.1f} s", ""]
    lines += [f"  {name:<18}{value}" for name, value in result.statuses.items()]
    lines += ["", "Timeline"]
    width = max((len(entry["source"]) for entry in result.timeline), default=0)
    for entry in result.timeline:
        moment = entry["occurred_at"][11:19]
        lines.append(f"  {moment}  {entry['source']:<{width}}  {entry['summary']}")
    lines += ["", "Traceability"]
    for requirement in result.traceability["requirements"]:
        deliverable = requirement.get("deliverable") or {}
        lines.append(
            f"  {requirement['title']}  [tasks {len(requirement['task_ids'])}, "
            f"quality {deliverable.get('quality_status', '-')}, "
            f"package v{deliverable.get('package_version') or '-'}]"
        )
        for criterion in requirement["criteria"]:
            lines.append(f"    {criterion['acceptance']:<8} {criterion['text']}")
    lines += ["", "KPIs (this customer)"]
    figures = dict(result.kpis)
    by_status = figures.pop("orders_by_status", {})
    stages = figures.pop("mean_stage_days", {})
    figures["orders_by_status"] = ", ".join(f"{k} {v}" for k, v in by_status.items() if v)
    figures["mean_stage_days"] = ", ".join(
        f"{k} {v:.2f}" for k, v in stages.items() if v is not None
    )
    lines += [f"  {name:<28}{_figure(value)}" for name, value in figures.items()]
    return "\n".join(lines)


def _figure(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
