"""`ordo demo --agile`: one order delivered in three increments over HTTP, acting as each role.

The order asks for one increment per package and a pulse survey after each accepted
increment. The planner puts one requirement in each of three two-week increments and
activates the plan. Increment by increment, engineers report the work done, its deliverable
alone goes to quality control, logistics hands over a package of that increment and the
customer decides through the mailed link. The customer rejects increment 2 once: the order
stays in progress (closing it now is refused, naming what is outstanding), rework is planned
and done, and the reworked package is accepted. Only the third acceptance accepts the order;
then the full survey and the retrospective follow, which closes it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.client import RequestFailed, ServiceClient
from shared.demo import Demo, DemoResult, link_from_mail

INCREMENT_DAYS = 14

AGILE_REQUIREMENTS = (
    {
        "title": "Order intake screen",
        "description": "Staff enter an order in one screen.",
        "kind": "core",
        "source": "interview",
        "priority": "must",
        "estimate_days": 5,
        "acceptance_criteria": [{"text": "An order is entered in under 2 minutes"}],
    },
    {
        "title": "Stock reservation",
        "description": "Entered orders reserve stock at once.",
        "kind": "core",
        "source": "document",
        "priority": "must",
        "estimate_days": 5,
        "acceptance_criteria": [{"text": "Stock is reserved within 5 seconds of entry"}],
    },
    {
        "title": "Dispatch labels",
        "description": "Labels print for every reserved order.",
        "kind": "core",
        "source": "interview",
        "priority": "should",
        "estimate_days": 4,
        "acceptance_criteria": [{"text": "A label prints for each order ready to ship"}],
    },
)


class AgileDemo(Demo):
    """Drives one order through three increments; `run()` returns a DemoResult."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.used_links: set[str] = set()
        self.refused_close: dict[str, Any] = {}
        self.pulse_answers = 0

    def run(self) -> DemoResult:
        order, requirements = self.sell_agile()
        self.review(order, requirements)
        plan, increments = self.plan_increments(order, requirements)
        for increment in increments:
            self.deliver_increment(order, plan, increment, reject_once=increment["number"] == 2)
        self.answer_survey(order)
        self.retrospective(order)
        result = self.result(order, plan)
        result.statuses["pulse_surveys_answered"] = self.pulse_answers
        result.statuses["close_refused"] = self.refused_close.get("status")
        return result

    def sell_agile(self) -> tuple[dict, list[dict]]:
        sales = self.client("orders", "sales")
        self.customer_email = f"it-{self.run_tag}@baltic-retail.example"
        customer = sales.post(
            "/customers",
            {
                "name": f"Baltic Retail {self.run_tag}",
                "email": self.customer_email,
                "locale": "en",
                "contact_name": "Lina Berg",
            },
        )
        order = sales.post(
            "/orders",
            {
                "customer_id": customer["id"],
                "title": f"Order handling app {self.run_tag}",
                "description": "Built and delivered in three two-week increments.",
                "priority": "normal",
                "due_date": (date.today() + timedelta(days=90)).isoformat(),
                "value": {"amount": "90000.00", "currency": "EUR"},
                "packages_per_increment": True,
                "pulse_surveys": True,
            },
        )
        requirements = [
            sales.post(f"/orders/{order['id']}/requirements", requirement)
            for requirement in AGILE_REQUIREMENTS
        ]
        self.log(
            "sales",
            f"created order {order['number']} with {len(requirements)} requirements, one "
            "increment per package and pulse surveys",
        )
        sales.post(f"/orders/{order['id']}/submit")
        return order, requirements

    def plan_increments(self, order: dict, requirements: list[dict]) -> tuple[dict, list[dict]]:
        planner = self.client("planning", "planner")
        plan = self.wait(
            "planning has the plan",
            lambda: next(iter(planner.get(f"/plans?order_id={order['id']}")["items"]), None),
        )
        increments = []
        for number, requirement in enumerate(requirements, start=1):
            start = date.today() + timedelta(days=(number - 1) * INCREMENT_DAYS)
            increments.append(
                planner.post(
                    f"/plans/{plan['id']}/increments",
                    {
                        "name": f"Sprint {number}",
                        "start_date": start.isoformat(),
                        "finish_date": (start + timedelta(days=INCREMENT_DAYS - 1)).isoformat(),
                        "requirement_ids": [requirement["id"]],
                    },
                )
            )
        self.log("planner", f"planned {len(increments)} two-week increments, one requirement each")
        planner.post(f"/plans/{plan['id']}/activate", {})
        orders = self.client("orders", "planner")
        self.wait(
            "the order is in progress",
            lambda: orders.get(f"/orders/{order['id']}")["status"] == "in_progress",
        )
        self.log("planner", "activated the plan; the order is in progress")
        return plan, increments

    def work_on(self, plan: dict, requirement_ids: list[str], with_analysis: bool) -> None:
        """Report 100 % on the unfinished leaf tasks of these requirements (and the analysis)."""
        reported = []
        for task in self.tasks(plan):
            if task["summary"] or task["milestone"] or task["percent_complete"] >= 100:
                continue
            if task["requirement_id"] in requirement_ids or (
                with_analysis and task["origin"] == "analysis"
            ):
                self.client("planning", "engineer").post(
                    f"/tasks/{task['id']}/progress",
                    {"percent_complete": 100, "actual_hours": task["effort_hours"]},
                )
                reported.append(task["name"])
        self.log("engineers", f"reported done: {'; '.join(reported)}")

    def deliver_increment(
        self, order: dict, plan: dict, increment: dict, reject_once: bool
    ) -> None:
        number, requirement_ids = increment["number"], increment["requirement_ids"]
        self.work_on(plan, requirement_ids, with_analysis=number == 1)
        self.qc_and_hand_over(order, increment)
        if reject_once:
            self.decide(order, "rejected")
            self.try_to_close(order)
            self.wait_for_rework(plan, {"title": f"increment {number}"})
            self.work_on(plan, requirement_ids, with_analysis=False)
            self.qc_and_hand_over(order, increment)
        self.decide(order, "accepted")
        final = number == 3
        orders = self.client("orders", "manager")
        wanted = "accepted" if final else "in_progress"

        def counted():
            shown = orders.get(f"/orders/{order['id']}")
            accepted = (shown.get("delivery_progress") or {}).get("accepted")
            return shown if shown["status"] == wanted and accepted == number else None

        shown = self.wait(f"the order is {wanted} with {number} accepted", counted)
        progress = shown.get("delivery_progress") or {}
        self.log(
            "manager",
            f"after increment {number} the order is {shown['status']}: "
            f"{progress.get('accepted')} accepted, {progress.get('delivered')} delivered, "
            f"{progress.get('outstanding')} outstanding",
        )
        if not final:
            self.answer_pulse(order, increment)

    def qc_and_hand_over(self, order: dict, increment: dict) -> None:
        quality = self.client("delivery", "quality")

        def ready():
            items = quality.get(f"/deliverables?order_id={order['id']}")["items"]
            mine = [d for d in items if d["requirement_id"] in increment["requirement_ids"]]
            return mine if mine and all(d["status"] == "ready_for_qc" for d in mine) else None

        deliverables = self.wait(f"increment {increment['number']} is ready for QC", ready)
        self.inspect(deliverables, fail_first=False)
        logistics = self.client("delivery", "logistics")
        package = logistics.post(
            "/deliveries",
            {
                "order_id": order["id"],
                "deliverable_ids": [d["id"] for d in deliverables],
                "document_ids": [],
                "note": f"{increment['name']}: please review and sign.",
            },
        )
        submitted = logistics.post(f"/deliveries/{package['id']}/submit")
        self.log(
            "logistics",
            f"handed over package v{submitted['package_version']} of {increment['name']}",
        )

    def new_link(self) -> str:
        def fresh():
            link = link_from_mail(self.mail_dir, self.customer_email, "/acceptance/")
            return link if link and link not in self.used_links else None

        link = self.wait("a new acceptance link is mailed", fresh)
        self.used_links.add(link)
        return link

    def decide(self, order: dict, decision: str) -> None:
        link = ServiceClient(self.new_link().replace("/portal/acceptance/", "/acceptance/"))
        package = link.get("")
        criteria = [
            criterion
            for deliverable in package["content"]["deliverables"]
            for criterion in deliverable["criteria"]
        ]
        met = decision != "rejected"
        body = {
            "decision": decision,
            "answers": [
                {
                    "criterion_id": criterion["criterion_id"],
                    "met": met,
                    "comment": "Met." if met else "Took 12 seconds in our test.",
                }
                for criterion in criteria
            ],
            "signer_name": "Lina Berg",
            "signer_title": "IT lead",
            "organisation": f"Baltic Retail {self.run_tag}",
        }
        if not met:
            body["reasons"] = ["Stock is reserved too slowly"]
        link.post("", body)
        self.log("customer", f"{decision} package v{package['package_version']}")

    def try_to_close(self, order: dict) -> None:
        """A manager's close while work is rejected or outstanding is refused, naming it."""
        orders = self.client("orders", "manager")
        self.wait(
            "the order counts the rejection",
            lambda: (orders.get(f"/orders/{order['id']}").get("delivery_progress") or {}).get(
                "rejected_requirement_ids"
            ),
        )
        try:
            orders.post(f"/orders/{order['id']}/close", {}, headers={"If-Match": "*"})
        except RequestFailed as refused:
            self.refused_close = {"status": refused.status, **(refused.body or {})}
            self.log(
                "manager", f"closing now is refused ({refused.status}): {refused.body['detail']}"
            )
            return
        raise RuntimeError("closing an order with a rejected increment was not refused")

    def answer_pulse(self, order: dict, increment: dict) -> None:
        customer = self.client("feedback", "customer", order["customer_id"])

        def pulse():
            items = customer.get(f"/pulse-surveys?order_id={order['id']}")["items"]
            return next((s for s in items if s["increment_id"] == increment["id"]), None)

        survey = self.wait(f"the pulse survey of {increment['name']}", pulse)
        customer.post(
            f"/pulse-surveys/{survey['id']}/answer", {"score": 4, "comment": "Good progress."}
        )
        self.pulse_answers += 1
        self.log("customer", f"answered the pulse survey of {increment['name']}: 4 of 5")
