from contextvars import ContextVar

# The id of the HTTP request (or task) on whose behalf audit events are written.
request_id_var: ContextVar[str] = ContextVar("audit_request_id", default="")
