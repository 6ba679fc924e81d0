"""The `cmograph` command line."""
