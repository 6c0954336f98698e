"""``python -m asker_pipeline``: what ``make run`` executes (see ``build.py``).

The import sits under the guard: worker processes (``workers.py``, started with ``spawn``)
import the main module again, and must not load Dagster and the code location for nothing."""

if __name__ == "__main__":
    import sys

    from asker_pipeline.build import main

    sys.exit(main())
