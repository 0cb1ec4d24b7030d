"""The regulator's workspace: server-rendered pages with htmx, one module per area, each with its urlpatterns."""
