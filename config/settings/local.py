"""`make run`: a SQLite file, tasks in-process, SMS to the console and a file."""
from .base import *  # noqa: F401,F403
from .base import SECRET_KEY, VAR_DIR
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
SMS_BACKEND = env_str("SMS_BACKEND", "console+file")
VAR_DIR.mkdir(parents=True, exist_ok=True)
