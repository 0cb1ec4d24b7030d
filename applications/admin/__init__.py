"""The admin of the applications app.

Configuration and firm master data are edited here; case records are read-only, and every
transition goes through applications.services from the workflow pages (see workflow.py).
"""

from applications.admin import cases, configuration, firms, licences

__all__ = ["cases", "configuration", "firms", "licences"]
