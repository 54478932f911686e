"""What other services' events do to an order: status, flags, traceability; late or twice."""

import uuid

import pytest

from tests.helpers import auth, deliver, event, published

PLAN_ID = str(uuid.uuid4())
DELIVERY_ID = str(uuid.uuid4())


@pytest.fixture
def project(app, flow):
    """A confirmed order with one requirement, as the other services would see it."""
    order = flow.confirmed()
    [requirement] = flow.client.get(
        f"/orders/{order['id']}/requirements", headers=auth("sales")
    ).json
    return Project(app, flow, order, requirement)


class Project:
    def __init__(self, app, flow, order, requirement):
        self.app, self.flow, self.order, self.requirement = app, flow, order, requirement
        self.deliverable_id = str(uuid.uuid4())
        self.criteria = [c["id"] for c in requirement["acceptance_criteria"]]

    @property
    def status(self):
        return self.flow.order(self.order["id"])["status"]

    def hear(self, type, **data):
        return deliver(self.app, type, {"order_id": self.order["id"], **data})

    def envelope(self, type, **data):
        return event(type, {"order_id": self.order["id"], **data})

    def activate(self):
        return self.hear(
            "ordo.plan.activated",
            plan_id=PLAN_ID,
            version=2,
            baseline_number=1,
            start_date="2027-01-04",
            finish_date="2027-02-26",
        )

    def plan_created(self, task_ids):
        return self.hear(
            "ordo.plan.created",
            plan_id=PLAN_ID,
            version=1,
            start_date="2027-01-04",
            finish_date="2027-02-26",
            requirement_tasks=[{"requirement_id": self.requirement["id"], "task_ids": task_ids}],
        )

    def submitted_data(self, package_version=1):
        return {
            "delivery_id": DELIVERY_ID,
            "package_version": package_version,
            "link_sent_to": "ada@buyer.example",
            "link_expires_at": "2027-03-01T00:00:00Z",
            "deliverables": [
                {"deliverable_id": self.deliverable_id, "requirement_id": self.requirement["id"]}
            ],
        }

    def results(self, met=True):
        return [
            {
                "criterion_id": criterion_id,
                "requirement_id": self.requirement["id"],
                "deliverable_id": self.deliverable_id,
                "met": met,
                "comment": None if met else "Too slow",
            }
            for criterion_id in self.criteria
        ]

    def accepted_data(self, package_version=1):
        return {
            "delivery_id": DELIVERY_ID,
            "package_version": package_version,
            "decision": "accepted",
            "results": self.results(),
            "signed_by": "Ada Buyer",
            "signed_at": "2027-02-27T10:00:00Z",
        }

    def rejected_data(self, package_version=1):
        return {
            "delivery_id": DELIVERY_ID,
            "package_version": package_version,
            "results": self.results(met=False),
            "reasons": ["Cycle time 15 s"],
        }

    def trace(self, role="sales"):
        response = self.flow.client.get(
            f"/orders/{self.order['id']}/traceability", headers=auth(role)
        )
        assert response.status_code == 200, response.json
        [requirement] = response.json["requirements"]
        return requirement


def test_plan_activation_starts_a_confirmed_order_once(project):
    assert project.activate() == "processed"
    assert project.status == "in_progress"
    project.activate()
    assert project.status == "in_progress"


def test_a_plan_activation_for_a_draft_order_changes_nothing(app, flow):
    order = flow.draft()
    deliver(
        app,
        "ordo.plan.activated",
        {
            "order_id": order["id"],
            "plan_id": PLAN_ID,
            "baseline_number": 1,
            "start_date": "2027-01-04",
            "finish_date": "2027-02-26",
        },
    )
    assert flow.order(order["id"])["status"] == "draft"


def test_the_whole_delivery_path_closes_the_order_after_the_retrospective(project):
    project.activate()
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    assert project.status == "delivered"
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    assert project.status == "accepted"
    project.hear("ordo.retrospective.completed", retrospective_id=str(uuid.uuid4()), lesson_count=3)
    assert project.status == "closed"
    [closed] = published(project.app, "ordo.order.closed")
    assert closed.data["closed_by"] == "retrospective"


def test_a_stale_rejection_after_acceptance_changes_nothing(project):
    project.activate()
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    project.hear("ordo.delivery.rejected", **project.rejected_data())
    assert project.status == "accepted"
    assert {c["acceptance"] for c in project.trace()["criteria"]} == {"met"}


def test_a_rejection_sends_the_order_back_to_work_and_the_next_package_is_delivered(project):
    project.activate()
    project.hear("ordo.delivery.submitted", **project.submitted_data(1))
    project.hear("ordo.delivery.rejected", **project.rejected_data(1))
    assert project.status == "in_progress"
    assert {c["acceptance"] for c in project.trace()["criteria"]} == {"not_met"}
    project.hear("ordo.delivery.submitted", **project.submitted_data(2))
    assert project.status == "delivered"
    project.hear("ordo.delivery.accepted", **project.accepted_data(2))
    assert project.status == "accepted"
    assert {c["package_version"] for c in project.trace()["criteria"]} == {2}


def test_duplicates_and_resent_events_with_new_ids_change_nothing(project):
    project.activate()
    submitted = project.envelope("ordo.delivery.submitted", **project.submitted_data())
    rejected = project.envelope("ordo.delivery.rejected", **project.rejected_data())
    assert deliver(project.app, submitted) == "processed"
    assert deliver(project.app, rejected) == "processed"
    assert deliver(project.app, submitted) == "duplicate"
    resent = project.envelope("ordo.delivery.submitted", **project.submitted_data())
    assert deliver(project.app, resent) == "processed"
    assert project.status == "in_progress"
    assert project.hear("ordo.delivery.rejected", **project.rejected_data()) == "processed"
    assert project.status == "in_progress"


def test_an_acceptance_that_overtakes_its_submission_still_accepts(project):
    project.activate()
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    assert project.status == "accepted"
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    assert project.status == "accepted"


def test_a_manager_closes_an_accepted_order_and_a_later_retrospective_changes_nothing(project):
    project.activate()
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    closed = project.flow.post(f"/orders/{project.order['id']}/close")
    assert closed.json["status"] == "closed"
    project.hear("ordo.retrospective.completed", retrospective_id=str(uuid.uuid4()), lesson_count=1)
    assert [e.data["closed_by"] for e in published(project.app, "ordo.order.closed")] == ["manager"]


def test_plan_health_flags_the_order_at_risk_and_ignores_older_versions(project):
    def health(status, version):
        project.hear(
            "ordo.plan.status_changed", plan_id=PLAN_ID, status=status, version=version, spi=0.8
        )

    health("at_risk", 5)
    health("on_track", 4)
    order = project.flow.order(project.order["id"])
    assert (order["plan_health"], order["at_risk"]) == ("at_risk", True)
    listed = project.flow.client.get("/orders?at_risk=true", headers=auth("manager")).json
    assert [o["id"] for o in listed["items"]] == [project.order["id"]]
    health("on_track", 6)
    assert project.flow.order(project.order["id"])["at_risk"] is False


def test_feedback_puts_the_customers_satisfaction_on_the_order(project):
    project.hear(
        "ordo.feedback.received", survey_id=str(uuid.uuid4()), csat=2, nps=4, detractor=True
    )
    order = project.flow.order(project.order["id"])
    assert (order["csat"], order["nps"], order["detractor"]) == (2, 4, True)


def test_traceability_follows_a_requirement_to_tasks_quality_and_acceptance(project):
    tasks = sorted(str(uuid.uuid4()) for _ in range(2))
    project.plan_created(tasks)
    project.activate()
    project.hear(
        "ordo.quality_check.failed",
        deliverable_id=project.deliverable_id,
        requirement_id=project.requirement["id"],
        check_id=str(uuid.uuid4()),
        failed_criteria=[{"criterion_id": project.criteria[0], "text": "Presses 40 t"}],
    )
    trace = project.trace()
    assert trace["task_ids"] == tasks
    assert trace["deliverable"]["quality_status"] == "failed"
    assert [c["acceptance"] for c in trace["criteria"]] == ["pending", "pending"]

    project.hear("ordo.delivery.submitted", **project.submitted_data())
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    trace = project.trace(role="engineer")
    assert trace["deliverable"]["quality_status"] == "passed"
    assert trace["deliverable"]["deliverable_id"] == project.deliverable_id
    assert [c["acceptance"] for c in trace["criteria"]] == ["met", "met"]


def test_a_rebaseline_brings_the_rework_tasks_into_traceability(project):
    requirement_id = project.requirement["id"]
    package, rework = str(uuid.uuid4()), str(uuid.uuid4())

    def rebaselined(version, requirement_tasks=None):
        data = dict(
            plan_id=PLAN_ID,
            version=version,
            baseline_number=version - 1,
            finish_date="2027-03-05",
            previous_finish_date="2027-02-26",
            slip_days=5,
            reason="Rework after a failed check",
        )
        if requirement_tasks is not None:
            data["requirement_tasks"] = requirement_tasks
        return project.hear("ordo.plan.rebaselined", **data)

    project.plan_created([package])
    both = [{"requirement_id": requirement_id, "task_ids": [package, rework]}]
    assert rebaselined(3, both) == "processed"
    assert project.trace()["task_ids"] == sorted([package, rework])
    assert rebaselined(4) == "processed"  # from a producer that does not send them yet
    assert project.trace()["task_ids"] == sorted([package, rework])
    only_package = [{"requirement_id": requirement_id, "task_ids": [package]}]
    assert rebaselined(2, only_package) == "processed"  # late: an older plan version
    assert project.trace()["task_ids"] == sorted([package, rework])


def test_every_event_about_the_order_reaches_its_timeline(project):
    project.hear(
        "ordo.risk.raised",
        plan_id=PLAN_ID,
        risk_id=str(uuid.uuid4()),
        title="Supplier late",
        probability=4,
        impact=4,
        score=16,
    )
    project.hear(
        "ordo.milestone.reached",
        plan_id=PLAN_ID,
        task_id=str(uuid.uuid4()),
        name="Frame welded",
        reached_on="2027-01-20",
    )
    timeline = project.flow.client.get(
        f"/orders/{project.order['id']}/timeline", headers=auth("sales")
    ).json
    assert [entry["summary"] for entry in timeline[-2:]] == [
        "Risk raised: Supplier late (score 16)",
        "Milestone reached: Frame welded",
    ]


def test_a_locked_acceptance_link_reaches_the_timeline_for_sales(project):
    status = project.hear(
        "ordo.delivery.link_locked",
        delivery_id=DELIVERY_ID,
        package_version=1,
        version=4,
        locked_at="2027-02-27T10:00:00Z",
        attempts=3,
    )

    assert status == "processed"
    timeline = project.flow.client.get(
        f"/orders/{project.order['id']}/timeline", headers=auth("sales")
    ).json
    assert timeline[-1]["type"] == "ordo.delivery.link_locked"
    assert timeline[-1]["summary"] == (
        "The acceptance link for package v1 locked after 3 wrong codes; "
        "re-issue the link for the customer to decide"
    )


def test_an_event_about_an_unknown_order_is_processed_and_ignored(app):
    status = deliver(
        app,
        "ordo.delivery.accepted",
        {
            "order_id": str(uuid.uuid4()),
            "delivery_id": DELIVERY_ID,
            "package_version": 1,
            "decision": "accepted",
            "results": [],
            "signed_by": "x",
            "signed_at": "2027-02-27T10:00:00Z",
        },
    )
    assert status == "processed"


def test_timeline_summaries_count_in_words():
    from services.orders.usecases.timeline import summary
    from tests.helpers import event as make_event

    failed_data = {
        "order_id": uuid.uuid4(),
        "deliverable_id": uuid.uuid4(),
        "requirement_id": uuid.uuid4(),
        "check_id": uuid.uuid4(),
        "failed_criteria": [{"criterion_id": uuid.uuid4(), "text": "Speed", "comment": None}],
    }
    retrospective = {"order_id": uuid.uuid4(), "retrospective_id": uuid.uuid4(), "lesson_count": 2}
    failed = summary(make_event("ordo.quality_check.failed", failed_data))
    completed = summary(make_event("ordo.retrospective.completed", retrospective))
    assert failed == "Quality check failed on 1 criterion"
    assert completed == "Retrospective completed with 2 lessons"


def retrospective_completed(project):
    return project.hear(
        "ordo.retrospective.completed", retrospective_id=str(uuid.uuid4()), lesson_count=1
    )


def hold(project):
    response = project.flow.post(f"/orders/{project.order['id']}/hold", {"comment": "dispute"})
    assert response.json["status"] == "on_hold", response.json


def resume(project):
    response = project.flow.post(f"/orders/{project.order['id']}/resume", {"comment": "solved"})
    assert response.status_code == 200, response.json
    return response.json


def test_an_acceptance_heard_on_hold_accepts_the_order_when_it_resumes(project):
    project.activate()
    hold(project)
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    assert project.status == "on_hold"
    assert {c["acceptance"] for c in project.trace()["criteria"]} == {"met"}
    resumed = resume(project)
    assert resumed["status"] == "accepted"
    assert "close" in resumed["allowed_actions"]
    assert "cancel" not in resumed["allowed_actions"]
    cancel = project.flow.post(f"/orders/{project.order['id']}/cancel", {"reason": "late"})
    assert cancel.status_code == 409
    assert published(project.app, "ordo.order.closed") == []
    retrospective_completed(project)
    assert project.status == "closed"
    [closed] = published(project.app, "ordo.order.closed")
    assert closed.data["closed_by"] == "retrospective"


def test_a_retrospective_heard_on_hold_closes_the_order_when_it_resumes(project):
    project.activate()
    hold(project)
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    retrospective_completed(project)
    assert project.status == "on_hold"
    assert published(project.app, "ordo.order.closed") == []
    resumed = resume(project)
    assert resumed["status"] == "closed"
    assert resumed["closed_at"] is not None
    [closed] = published(project.app, "ordo.order.closed")
    assert closed.data["closed_by"] == "retrospective"
    assert closed.data["version"] == resumed["version"]
    retrospective_completed(project)  # a second one (re-sent with a new id) closes nothing more
    assert len(published(project.app, "ordo.order.closed")) == 1


def test_a_package_submitted_on_hold_delivers_the_order_when_it_resumes(project):
    project.activate()
    hold(project)
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    assert resume(project)["status"] == "delivered"
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    assert project.status == "accepted"


def test_a_rejection_heard_on_hold_leaves_the_order_in_progress_when_it_resumes(project):
    project.activate()
    hold(project)
    project.hear("ordo.delivery.submitted", **project.submitted_data(1))
    project.hear("ordo.delivery.rejected", **project.rejected_data(1))
    assert resume(project)["status"] == "in_progress"
    assert {c["acceptance"] for c in project.trace()["criteria"]} == {"not_met"}
    project.hear("ordo.delivery.submitted", **project.submitted_data(2))
    assert project.status == "delivered"


def test_a_hold_and_resume_without_deliveries_keeps_the_order_in_progress(project):
    project.activate()
    hold(project)
    assert resume(project)["status"] == "in_progress"


def test_a_retrospective_that_overtakes_the_acceptance_closes_the_order_once_accepted(project):
    project.activate()
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    retrospective_completed(project)
    assert project.status == "delivered"
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    assert project.status == "closed"
    [closed] = published(project.app, "ordo.order.closed")
    assert closed.data["closed_by"] == "retrospective"


def test_deliveries_heard_before_the_plan_activation_move_the_order_once_it_starts(project):
    project.hear("ordo.delivery.submitted", **project.submitted_data())
    project.hear("ordo.delivery.accepted", **project.accepted_data())
    assert project.status == "confirmed"
    project.activate()
    assert project.status == "accepted"


def test_a_retrospective_for_a_cancelled_order_changes_nothing(project):
    project.flow.post(f"/orders/{project.order['id']}/cancel", {"reason": "Budget cut"})
    retrospective_completed(project)
    assert project.status == "cancelled"
    assert published(project.app, "ordo.order.closed") == []
