import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vasp_licensing.settings.local")

app = Celery("vasp_licensing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
