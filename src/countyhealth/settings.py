"""Settings come from the environment (12-factor); see README for the variables."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent

env = environ.Env()
DATA_DIR = Path(env.str("COUNTYHEALTH_DATA_DIR", default=str(REPO_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.str("SECRET_KEY")  # no default: the platform refuses to start without one
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "ninja",
    "countyhealth.core",
    "countyhealth.audit",
    "countyhealth.orgs",
    "countyhealth.accounts",
    "countyhealth.notifications",
    "countyhealth.residents",
    "countyhealth.records",
    "countyhealth.familydoctor",
    "countyhealth.appointments",
    "countyhealth.referrals",
    "countyhealth.publichealth",
    "countyhealth.ecg",
    "countyhealth.imaging",
    "countyhealth.lab",
    "countyhealth.surveillance",
    "countyhealth.clinic",
    "countyhealth.insurance",
    "countyhealth.sync",
    "countyhealth.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "countyhealth.core.context.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "countyhealth.urls"
WSGI_APPLICATION = "countyhealth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "countyhealth.accounts.navigation.navigation",
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "countyhealth.sqlite3"
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE: each action takes the writer lock at BEGIN, so concurrent writers queue
    # instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    # Persistent connections, checked before reuse: opening one costs about 5 ms per request on loopback
    # (more with password authentication), a tenth of a phone's push of 50.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (django-axes): 5 failures for one username lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Lock per username only: a township centre's clinics share one NAT address, and locking that address
# would lock every doctor behind it out after one person's typos.
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # HSTS preload is a commitment for a public domain; a county intranet host name is not one.
    "security.W021",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
# HTTPS=1 in any deployment reached over a network (behind TLS); the local demo serves plain HTTP on loopback.
HTTPS = env.bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

TASKS = {"default": {"BACKEND": env.str("TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

NINJA_PAGINATION_MAX_LIMIT = 100

# Medical-insurance platform (医保信息平台) reached by countyhealth.insurance.adapter; bin/demo and the tests start
# the simulator (src/insurance_simulator) there. Timeout in seconds per attempt; retries reuse the same msgid.
INSURANCE_URL = env.str("INSURANCE_URL", default="http://127.0.0.1:8765/")
INSURANCE_TIMEOUT = env.float("INSURANCE_TIMEOUT", default=5.0)
INSURANCE_RETRIES = env.int("INSURANCE_RETRIES", default=2)

# Orthanc (PACS) holding the remote-imaging studies (countyhealth.imaging). Reached only by the server, never by
# browsers (imaging/proxy.py). bin/demo and the tests start a local one on loopback; empty URL: uploads are kept
# locally and sent once an Orthanc is configured. IMAGING_UPLOAD_MAX_MB bounds one upload (files or a zip).
ORTHANC_URL = env.str("ORTHANC_URL", default="http://127.0.0.1:8042/")
ORTHANC_USERNAME = env.str("ORTHANC_USERNAME", default="")
ORTHANC_PASSWORD = env.str("ORTHANC_PASSWORD", default="")
ORTHANC_TIMEOUT = env.float("ORTHANC_TIMEOUT", default=10.0)
IMAGING_UPLOAD_MAX_MB = env.int("IMAGING_UPLOAD_MAX_MB", default=500)
# Where Orthanc's DICOMweb plugin answers (its "DicomWeb": {"Root": …}); the platform stores over STOW-RS and queries
# over QIDO-RS there, and proxies WADO-RS to browsers at /imaging/dicom-web/.
ORTHANC_DICOMWEB_ROOT = env.str("ORTHANC_DICOMWEB_ROOT", default="/dicom-web/")
