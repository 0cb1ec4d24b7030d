"""The workspace under /workspace/. Each view module declares its own urlpatterns."""

from reviews.views import case, dashboards, licences, queues

app_name = "reviews"

urlpatterns = [*queues.urlpatterns, *case.urlpatterns, *dashboards.urlpatterns, *licences.urlpatterns]
