"""Periodic jobs. django-tasks has no schedule of its own: `manage.py run_scheduler` enqueues each job's due
runs, once each (unique `(job, due_at)`), and django-tasks-db's `db_worker` runs them.

Apps register from `AppConfig.ready()`: `register("publichealth.enrol_age_programmes", task, daily_at=time(1, 0))`
or `every=timedelta(minutes=1)`."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    task: object  # a django-tasks Task
    every: timedelta | None = None
    daily_at: time | None = None

    def last_due(self, now: datetime) -> datetime:
        """The latest slot at or before `now` (local time for daily jobs)."""
        if self.daily_at is not None:
            local = timezone.localtime(now)
            due = local.replace(hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0)
            return due if due <= local else due - timedelta(days=1)
        step = int(self.every.total_seconds())
        return datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=now.tzinfo)


JOBS: dict[str, Job] = {}


def register(name: str, task, *, every: timedelta | None = None, daily_at: time | None = None) -> None:
    if (every is None) == (daily_at is None):
        raise ValueError("give exactly one of every= or daily_at=")
    JOBS[name] = Job(name, task, every, daily_at)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose latest slot has not been enqueued yet; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in JOBS.values():
        due = job.last_due(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, due_at=due)
                result = job.task.enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # already enqueued for this slot
        enqueued.append(job.name)
    return enqueued
