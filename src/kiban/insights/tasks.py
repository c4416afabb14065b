"""Background work of the insights app (run by the worker that `kiban demo` starts)."""

from django_tasks import task

from kiban.insights.rollups import rollups_run


@task()
def rollups_catch_up() -> dict:
    """Bring the journey and satisfaction rollups up to date; queue itself again if behind."""
    done = rollups_run(max_seconds=50)
    if done["more"]:
        rollups_catch_up.enqueue()
    return done
