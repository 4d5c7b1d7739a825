"""Where the project and its writable files are (the latter from the environment)."""
from pathlib import Path

from .env import env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
