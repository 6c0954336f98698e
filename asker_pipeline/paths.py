"""Where the project's files live by default. Reference data ships with the code (``ASSETS_DIR``;
loaders read ``settings.assets_dir()``, which ``ASKER_ASSETS`` can point elsewhere); inputs and
outputs are configurable through resources (see ``resources.py``) so tests can point them at a
temporary folder."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"
SOURCES_DIR = REPO_ROOT / "sources"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
WAREHOUSE_DIR = REPO_ROOT / "warehouse"
DEFAULT_WAREHOUSE = WAREHOUSE_DIR / "asker.duckdb"
DEFAULT_EXPORTS = WAREHOUSE_DIR / "exports"
