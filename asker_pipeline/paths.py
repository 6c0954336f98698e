"""Where the project's files live. Reference data ships with the code; inputs and outputs are
configurable through resources (see ``resources.py``) so tests can point them at a temporary folder."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"
SOURCES_DIR = REPO_ROOT / "sources"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
WAREHOUSE_DIR = REPO_ROOT / "warehouse"
DEFAULT_WAREHOUSE = WAREHOUSE_DIR / "asker.duckdb"
DEFAULT_EXPORTS = WAREHOUSE_DIR / "exports"
