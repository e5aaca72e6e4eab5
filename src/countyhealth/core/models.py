from django.db import models


class ScheduledRun(models.Model):
    """One due run of a scheduled job; the unique (job, due_at) makes sure it is enqueued once, whichever
    scheduler process gets there first."""

    job = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "due_at"], name="scheduledrun_once")]

    def __str__(self):
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M}"
