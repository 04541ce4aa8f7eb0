"""Build of the optional C extension; the project's metadata is in pyproject.toml.

`nafolo.ledger._chaincheck` (the compiled ledger verifier) links the system libsqlite3 -- the
library Python's own sqlite3 module uses, never a second copy -- and OpenSSL's libcrypto; on
PostgreSQL it calls the libpq psycopg already loaded (looked up at run time, no link). It is
optional: without a compiler or the headers the install goes on and verification runs in Python.
"""

from setuptools import Extension, setup  # type: ignore[import-untyped]

setup(
    ext_modules=[
        Extension(
            "nafolo.ledger._chaincheck",
            sources=["src/nafolo/ledger/_chaincheck.c"],
            libraries=["sqlite3", "crypto", "dl"],
            extra_compile_args=["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
            optional=True,
        )
    ]
)
