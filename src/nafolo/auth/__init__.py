"""Users, roles and permissions; sessions, API tokens and CSRF for the API and the pages.

Map: `roles` (the permission matrix), `users` (`UserStore`: users, tokens, sessions, audit log),
`passwords` (argon2id), `tokens` (random secrets stored as SHA-256), `throttle` (login lockout),
`web` (FastAPI dependencies), `routes` (sign-in pages, /api/auth). See docs/users-and-roles.md.
"""

from nafolo.auth.roles import ROLE_PERMISSIONS, Permission, Role, allowed

__all__ = ["ROLE_PERMISSIONS", "Permission", "Role", "allowed"]
