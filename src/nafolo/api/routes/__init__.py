"""One router per resource, mounted under /api by `nafolo.api.main.create_app`."""
