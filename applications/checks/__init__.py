"""Document checks: one module per check, each a pure function over a file's bytes and the facts it needs.

No database here: applications/services/checks.py gathers the facts, runs the checks and stores the
findings. Import the modules themselves (applications.checks.pdf ...), so the models load without pypdf.
"""
