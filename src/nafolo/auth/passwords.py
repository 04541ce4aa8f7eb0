"""Passwords: argon2id hashes (argon2-cffi's `PasswordHasher`, RFC 9106 parameters) and the policy
a new password must meet. Plain passwords are never stored nor logged."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
"""Longer inputs are refused before hashing so that a login cannot be used to burn CPU."""


class Passwords:
    """Hash and verify passwords with one argon2id hasher (tests may pass cheaper parameters)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether `password` matches; False (never an exception) for a malformed hash."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than the hasher's current ones."""
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def burn(self, password: str) -> None:
        """Spend the time of one verification, so that an unknown username takes as long to
        refuse as a wrong password (no user enumeration by timing)."""
        if self._dummy is None:
            self._dummy = self.hasher.hash("nafolo-dummy-password")
        self.verify(self._dummy, password)


def password_problems(password: str, username: str = "") -> list[str]:
    """Why `password` may not be used (empty list: acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"must have at most {MAX_PASSWORD_LENGTH} characters")
    if password and len(set(password)) < 4:
        problems.append("must use at least 4 different characters")
    if username and username.casefold() in password.casefold():
        problems.append("must not contain the username")
    return problems
