"""`ordo up`'s restart decisions and its status listing, as plain values."""

from hypothesis import given
from hypothesis import strategies as st

from shared.supervisor import GiveUp, Restart, RestartPolicy, after_exit, status_table

POLICY = RestartPolicy(first_delay=1.0, max_delay=30.0, max_failures=5, window=60.0)


def test_a_first_exit_is_restarted_after_a_second():
    assert after_exit(POLICY, [100.0], now=100.0) == Restart(1.0)


def test_each_exit_within_the_window_doubles_the_delay():
    exits = []
    delays = []
    for moment in (0.0, 1.0, 3.0, 7.0, 15.0):
        exits.append(moment)
        delays.append(after_exit(POLICY, exits, now=moment).delay)
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_the_delay_never_exceeds_its_ceiling():
    policy = RestartPolicy(max_failures=100, window=600.0)
    assert after_exit(policy, [float(n) for n in range(10)], now=9.0) == Restart(30.0)


def test_one_exit_more_than_allowed_within_the_window_gives_up():
    assert after_exit(POLICY, [0.0, 1.0, 3.0, 7.0, 15.0, 31.0], now=31.0) == GiveUp(6)


def test_exits_older_than_the_window_are_forgotten():
    exits = [0.0, 1.0, 3.0, 7.0, 15.0, 100.0]
    assert after_exit(POLICY, exits, now=100.0) == Restart(1.0)


@given(st.lists(st.floats(min_value=0, max_value=1000), min_size=1, max_size=20))
def test_a_process_is_either_restarted_within_the_bounds_or_given_up_on(moments):
    exits = sorted(moments)
    decision = after_exit(POLICY, exits, now=exits[-1])
    recent = sum(1 for moment in exits if exits[-1] - moment <= POLICY.window)
    if recent > POLICY.max_failures:
        assert decision == GiveUp(recent)
    else:
        assert POLICY.first_delay <= decision.delay <= POLICY.max_delay


def test_the_status_lists_pid_uptime_and_restarts():
    status = {
        "supervisor_pid": 1,
        "processes": [
            {
                "name": "orders-web",
                "pid": 41,
                "started_at": 1000.0,
                "restarts": 0,
                "state": "running",
            },
            {
                "name": "planning-worker",
                "pid": None,
                "started_at": None,
                "restarts": 2,
                "state": "restarting",
            },
        ],
    }
    lines = status_table(status, now=1000.0 + 3725).splitlines()
    assert lines[0].split() == ["process", "pid", "uptime", "restarts", "state"]
    assert lines[1].split() == ["orders-web", "41", "1h02m05s", "0", "running"]
    assert lines[2].split() == ["planning-worker", "-", "-", "2", "restarting"]
