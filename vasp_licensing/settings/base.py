"""Settings shared by every environment, read from the environment with django-environ.

The defaults are the embedded setup: SQLite, documents on local disk, Celery tasks
executed in-process (no broker), e-mail to the console.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# .env is docker compose's file too; reading it is opt-in so production values never leak into `make run`.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me-0123456789")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_fsm_log",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "accounts",
    "audit",
    "applications",
    "reviews",
    "banking",
    "screening",
    "notifications",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SignInPolicyMiddleware",  # the admin signs in through allauth; MFA enrolment first
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vasp_licensing.pages.RefusalMiddleware",  # a NotPermitted no view showed: the 403 page with its reason
]

ROOT_URLCONF = "vasp_licensing.urls"
WSGI_APPLICATION = "vasp_licensing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # transaction boundaries are explicit, in services
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a transaction takes the write lock when it begins, so two writers queue
    # instead of deadlocking on a read-then-write upgrade; the timeout is how long they queue.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # A file, not shared-cache memory: a worker thread in the tests then waits for locks instead of failing.
    # TEST_SQLITE_NAME lets two checkouts (or two people) run the suite side by side.
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", default=str(VAR_DIR / "test.sqlite3"))}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Sign-in (django-allauth): e-mail and password, MFA (TOTP with recovery codes), rate limits.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming in the browser that signed up signs in there (and keeps `next`, e.g. an invitation link);
# a link opened elsewhere leads to the sign-in page.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
FIRM_INVITATION_DAYS = env.int("FIRM_INVITATION_DAYS", default=7)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False  # no "remember me": every session ends after the idle limit below
# Failed sign-ins, counted by allauth in the cache (locmem locally, so per process; Redis in production,
# shared by every gunicorn worker). "login_failed" also counts wrong MFA codes, per user.
ACCOUNT_RATE_LIMITS = {
    "login": env("ACCOUNT_LOGIN_RATE", default="30/m/ip"),
    "login_failed": env("ACCOUNT_LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
    "reset_password": env("ACCOUNT_RESET_PASSWORD_RATE", default="20/m/ip,5/m/key"),
}
# Rate limits per client address: behind the production proxy, trust its X-Forwarded-For entry.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Who must use MFA is accounts.mfa.mfa_required: accounts.middleware sends them to TOTP setup before any
# other page, and the adapter keeps them from switching it off. No "trust this browser": a code every time.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"  # e-mailed links on SITE_URL
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "VASP licensing"
# Sessions end after this many seconds without a request (30 minutes unless set), and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CLIENT_SECRET_HASHER = "vasp_licensing.hashers.ClientSecretHasher"  # OAuth client secrets only
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    CLIENT_SECRET_HASHER,
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Hong_Kong"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]  # our CSS and the vendored htmx; no CDN anywhere
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

_S3_BUCKET = env("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _S3_BUCKET,
                "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
                "region_name": env("AWS_S3_REGION_NAME", default=None),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if _S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

_REDIS_URL = env("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="licensing@regulator.example")

# Celery: with no broker configured, tasks run in-process when queued (the embedded setup).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# In-process, a failing task must not turn a committed request into an error page: it is logged,
# and the record it left (a pending notification, a pending document) shows it. Tests propagate.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TIMEZONE = TIME_ZONE
# Redis redelivers a task not acknowledged within the visibility timeout; it must exceed the longest
# countdown (webhook retries run for 24 hours), or delayed tasks would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=26 * 3600)}

# Deadlines run by beat. The schedule is static, in code, so every deployment runs the same jobs.
CELERY_BEAT_SCHEDULE = {
    "escalate-overdue-information-requests": {
        "task": "reviews.tasks.deadlines_escalate_overdue_requests",
        "schedule": 15 * 60,
    },
    "warn-pledge-dates": {"task": "reviews.tasks.deadlines_warn_pledge_dates", "schedule": 60 * 60},
    "deliver-due-webhooks": {"task": "banking.tasks.webhooks_deliver_due", "schedule": 60},
    "prune-idempotency-keys": {"task": "banking.tasks.idempotency_keys_prune", "schedule": 6 * 60 * 60},
    "remind-licence-anniversaries": {
        "task": "reviews.tasks.deadlines_remind_licence_anniversaries",
        "schedule": 6 * 60 * 60,
    },
}

# Virus scanning: clamd at tcp://host:port or a unix socket path; empty means documents are "not scanned".
CLAMD_URL = env("CLAMD_URL", default="")
# Name screening: a candidate at or above this score (0-100) becomes a hit for an officer to adjudicate.
SCREENING_THRESHOLD = env.int("SCREENING_THRESHOLD", default=85)
# Officers are warned this many days before the pledge date of a case.
PLEDGE_WARNING_DAYS = env.int("PLEDGE_WARNING_DAYS", default=14)
# Firms are reminded of the annual fee this many days before their licence's anniversary.
LICENCE_ANNIVERSARY_NOTICE_DAYS = env.int("LICENCE_ANNIVERSARY_NOTICE_DAYS", default=30)
# SITE_URL, from the environment or an opted-in .env, wins; else the address `make run` serves on (SERVED_AT).
SITE_URL = env("SITE_URL", default=env("SERVED_AT", default="http://127.0.0.1:8000"))
# Printed on licence certificates as the issuing authority.
REGULATOR_NAME = env("REGULATOR_NAME", default="Securities and Futures Commission (demo)")

# The pledge of the regulator: 15 weeks from acceptance, the clock paused while waiting on the firm.
LICENSING_PLEDGE_DAYS = env.int("LICENSING_PLEDGE_DAYS", default=105)
# Upload limit the server refuses at once; per-type limits live on DocumentType.
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# What a request may carry besides its file (multipart headers, CSRF token, a date) before its
# Content-Length alone gets it refused, unread; see vasp_licensing/uploads.py.
DOCUMENT_UPLOAD_FIELDS_ALLOWANCE_BYTES = env.int("DOCUMENT_UPLOAD_FIELDS_ALLOWANCE_BYTES", default=64 * 1024)
# The size limit first, while the body streams in, so no later handler ever holds an oversized file.
FILE_UPLOAD_HANDLERS = [
    "vasp_licensing.uploads.DocumentSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The bank API. Banks authenticate with OAuth 2.0 client credentials; errors are problem+json.
API_SCOPES = {
    "referrals:read": "Read the referrals addressed to your bank",
    "referrals:write": "Report onboarding progress on your referrals",
    "licences:read": "Verify licences",
}
OAUTH2_PROVIDER = {
    "SCOPES": API_SCOPES,
    "DEFAULT_SCOPES": ["__all__"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("API_TOKEN_LIFETIME_SECONDS", default=15 * 60),
    "OAUTH2_VALIDATOR_CLASS": "banking.api.oauth.BankOAuth2Validator",
    "CLIENT_SECRET_HASHER": "client_secret_pbkdf2_sha256",  # see vasp_licensing/hashers.py
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grants, no tokens in URLs, tokens stored
    # as checksums only, https redirect URIs. Banks use client credentials only; this shuts the other doors.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# Named explicitly: our models point at it, and migrations resolve the swappable setting by name.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["banking.api.auth.BankTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "vasp_licensing.problems.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "bank": env("API_BANK_RATE", default="600/minute"),
        "public": env("API_PUBLIC_RATE", default="120/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VASP licensing: API for partner banks",
    # The integration guide a bank developer reads first, at the top of /api/docs/.
    "DESCRIPTION": (BASE_DIR / "banking" / "api" / "guide.md").read_text(encoding="utf-8"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/o/token/",
    "OAUTH2_SCOPES": API_SCOPES,
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "banking.choices.ReferralStatus",
        "BankReportedStatusEnum": "banking.choices.BankReportedStatus",
        "DeclineReasonEnum": "banking.choices.DeclineReason",
        "CancelReasonEnum": "banking.choices.CancelReason",
        "LicenceStatusEnum": "applications.choices.LicenceStatus",
        "ApprovalStatusEnum": [("approved", "Approved"), ("approved_in_principle", "Approved in principle")],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vasp_licensing.api.closed_request_bodies",
    ],
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
}
# Webhooks: one attempt right away, then these waits (seconds); the sum exceeds 24 hours.
WEBHOOK_RETRY_DELAYS = env.list(
    "WEBHOOK_RETRY_DELAYS", cast=int, default=[5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]
)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=72)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
