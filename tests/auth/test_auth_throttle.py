"""Login lockout: 5 failures for a username (20 from an address) lock it for 60 s."""

from __future__ import annotations

from nafolo.auth.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_the_username_for_a_minute() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    locks = [throttle.failed("Awa", "10.0.0.1") for _ in range(5)]
    assert locks == [False, False, False, False, True]
    assert throttle.locked_for_s("awa", "10.0.0.2") == 60.0
    clock.now += 59
    assert throttle.locked_for_s("AWA", "10.0.0.3") == 1.0
    clock.now += 1
    assert throttle.locked_for_s("awa", "10.0.0.1") == 0.0


def test_four_failures_then_a_success_start_the_count_again() -> None:
    throttle = LoginThrottle(clock=Clock())
    for _ in range(4):
        throttle.failed("awa", "10.0.0.1")
    throttle.succeeded("awa")
    assert not any(throttle.failed("awa", "10.0.0.1") for _ in range(4))
    assert throttle.locked_for_s("awa", "10.0.0.1") == 0.0


def test_many_usernames_from_one_address_lock_the_address() -> None:
    throttle = LoginThrottle(clock=Clock())
    for n in range(20):
        throttle.failed(f"user{n}", "10.0.0.9")
    assert throttle.locked_for_s("someone-new", "10.0.0.9") == 60.0
    assert throttle.locked_for_s("someone-new", "10.0.0.8") == 0.0
