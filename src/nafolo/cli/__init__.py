"""The `nafolo` command line."""
