"""An integrator's way in: fetch each running service's /openapi.json, generate a Python client
from it with openapi-python-client, and drive an order from draft to plan through those
clients alone — against the suite as real processes (`ordo up`) on PostgreSQL and RabbitMQ."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from shared.client import wait_until
from shared.http.auth import mint_token
from tests.helpers import JWT_SECRET
from tests.suite import running_suite

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def generate_client(service: str, url: str, folder: Path):
    """The generated package `ordo_<service>_client`, imported from `folder`."""
    with urllib.request.urlopen(f"{url}/openapi.json", timeout=10) as response:
        document = json.load(response)
    spec = folder / f"{service}.json"
    spec.write_text(json.dumps(document))
    package = f"ordo_{service}_client"
    config = folder / f"{service}.yaml"
    config.write_text(f"package_name_override: {package}\npost_hooks: []\n")
    result = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            spec,
            "--config",
            config,
            "--meta",
            "none",
            "--output-path",
            folder / package,
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return importlib.import_module(package)


def client_for(package, url: str, role: str):
    token = mint_token(JWT_SECRET, f"integrator-{role}", [role])
    return package.AuthenticatedClient(base_url=url, token=token, raise_on_unexpected_status=True)


def test_an_order_goes_from_draft_to_plan_through_generated_clients(backend, tmp_path):
    with running_suite(backend) as suite:
        packages = {
            service: generate_client(service, url, tmp_path) for service, url in suite.urls.items()
        }
        orders, planning = packages["orders"], packages["planning"]

        def call(module: str, package=orders):
            return importlib.import_module(f"{package.__name__}.api.{module}")

        models = importlib.import_module("ordo_orders_client.models")
        sales = client_for(orders, suite.urls["orders"], "sales")
        manager = client_for(orders, suite.urls["orders"], "manager")
        planner = client_for(planning, suite.urls["planning"], "planner")

        started = time.perf_counter()
        created = call("customers.customers_create").sync_detailed(
            client=sales,
            body=models.CustomerCreate(name="Nordic Packaging AB", email="ops@np.example"),
            idempotency_key="integrator-customer-1",
        )
        assert created.status_code == 201 and created.headers["Location"]
        customer = created.parsed
        order = call("orders.orders_create").sync(
            client=sales,
            body=models.OrderCreate(
                customer_id=customer.id,
                title="Carton erector line",
                value=models.Money(amount="240000.00", currency="EUR"),
            ),
        )
        requirement = call("requirements.requirements_create").sync(
            order.id,
            client=sales,
            body=models.RequirementCreate(
                title="Erect 40 cartons a minute",
                kind=models.RequirementCreateKind.CORE,
                source=models.RequirementCreateSource.INTERVIEW,
                priority=models.RequirementCreatePriority.MUST,
                estimate_days=15,
                acceptance_criteria=[models.CriterionInput(text="40 cartons/min for 2 h")],
            ),
        )
        read = call("orders.orders_get").sync_detailed(order.id, client=sales)
        submitted = call("reviews.orders_submit").sync(
            order.id, client=sales, if_match=read.headers["ETag"]
        )
        assert submitted.status == "submitted"
        decision = models.DecisionInput(
            requirement_id=requirement.id, decision=models.DecisionInputDecision.APPROVED
        )
        call("reviews.reviews_create").sync(
            order.id, client=manager, body=models.ReviewCreate(decisions=[decision])
        )
        customer_client = orders.AuthenticatedClient(
            base_url=suite.urls["orders"],
            token=mint_token(JWT_SECRET, "customer-1", ["customer"], str(customer.id)),
            raise_on_unexpected_status=True,
        )
        call("reviews.orders_customer_review").sync(
            order.id,
            client=customer_client,
            body=models.CustomerReviewCreate(
                decisions=[
                    models.CustomerDecisionInput(
                        requirement_id=requirement.id,
                        decision=models.CustomerDecisionInputDecision.APPROVED,
                    )
                ]
            ),
        )
        confirmed = call("reviews.orders_approve").sync(order.id, client=manager)
        assert confirmed.status == "confirmed"

        list_plans = call("plans.plans_list", planning)
        plans = wait_until(
            lambda: list_plans.sync(client=planner, order_id=order.id).items, 30, 0.1
        )
        elapsed = time.perf_counter() - started
        assert len(plans) == 1 and plans[0].order_id == order.id
        plan = call("plans.plans_get", planning).sync(plans[0].id, client=planner)
        assert plan.status == "draft"

        stale = call("orders.orders_update").sync_detailed(
            order.id, client=sales, body=models.OrderUpdate(title="x"), if_match='"1"'
        )
        assert stale.status_code in (409, 412) and stale.parsed.status == stale.status_code
        print(
            f"\ngenerated-client flow (customer, order, requirement, submit, review, approve, "
            f"plan seen): {elapsed:.2f} s"
        )
