"""`python -m cmograph.cli` runs the command line, as the `cmograph` script does."""

from cmograph.cli.main import run

run()
