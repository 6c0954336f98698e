"""``python -m asker_pipeline``: what ``make run`` executes (see ``build.py``).

The worker process (``workers.py``) is started first: it imports Great Expectations on the other
core while this one imports Dagster, and is ready for its share of the run's first steps. The
imports sit under the guard: the worker, started with ``spawn``, imports the main module again,
and must not load Dagster and the code location for nothing."""

if __name__ == "__main__":
    import gc
    import sys

    from asker_pipeline import workers

    workers.prewarm()

    from asker_pipeline.build import main

    status = main()
    # Everything is published and closed. The interpreter's last garbage collection would walk
    # every object Dagster and pandas made (0.7 s of a 12 s run) only to free memory the exit
    # frees anyway: freezing them leaves them out of it.
    gc.freeze()
    sys.exit(status)
