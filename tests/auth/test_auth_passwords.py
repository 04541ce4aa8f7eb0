"""Passwords: argon2id hashes, verification, rehash on weaker parameters, the policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from auth_support import PASSWORD, fast_hasher

from nafolo.auth.passwords import Passwords, password_problems


def test_a_password_is_stored_as_an_argon2id_hash_that_verifies() -> None:
    passwords = Passwords(fast_hasher())
    stored = passwords.hash(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert passwords.verify(stored, PASSWORD)


def test_a_wrong_password_does_not_verify() -> None:
    passwords = Passwords(fast_hasher())
    stored = passwords.hash(PASSWORD)
    assert not passwords.verify(stored, PASSWORD + "!")
    assert not passwords.verify(stored, "")


def test_a_malformed_hash_verifies_nothing() -> None:
    assert not Passwords(fast_hasher()).verify("not-a-hash", PASSWORD)


def test_a_hash_made_with_weaker_parameters_needs_rehash() -> None:
    weak = Passwords(fast_hasher()).hash(PASSWORD)
    assert Passwords(PasswordHasher()).needs_rehash(weak)
    assert not Passwords(fast_hasher()).needs_rehash(weak)


def test_the_default_hasher_uses_rfc_9106_parameters() -> None:
    hasher = Passwords().hasher
    assert (hasher.time_cost, hasher.memory_cost) == (3, 64 * 1024)


def test_the_policy_refuses_short_repetitive_or_username_passwords() -> None:
    assert password_problems(PASSWORD, "amadou") == []
    assert "at least 12" in password_problems("short", "amadou")[0]
    assert any("4 different" in p for p in password_problems("aaaaaaaaaaaaaaa"))
    assert any("username" in p for p in password_problems("xx-Amadou-2026-xx", "amadou"))
