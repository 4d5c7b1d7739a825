"""Settings of spreadsheet uploads and organisations' link requests. Read from the environment; imported by
base.py."""
from .env import env_int

# Spreadsheet uploads: size and rows per file; files larger than IMPORT_ASYNC_ROWS rows are checked and applied
# in a Celery task with a progress bar.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
# Uploads (A): an .xlsx is measured from its zip directory before it is opened — total unpacked size, and how
# many times a part may unpack larger than it is stored — and a row may hold this many cells; reading stops after
# IMPORT_MAX_PARSE_SECONDS. A batch left checking or recording longer than IMPORT_STALE_SECONDS (its worker
# died) is marked failed by beat.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 150)
IMPORT_MAX_CELLS_PER_ROW = env_int("IMPORT_MAX_CELLS_PER_ROW", 200)
IMPORT_MAX_PARSE_SECONDS = env_int("IMPORT_MAX_PARSE_SECONDS", 60)
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", 30 * 60)
# An organisation asking people already on the platform to join its list: asks per organisation per day, asks
# reaching one person per day (each costs an SMS), how long the code stays valid, and codes typed per address.
LINK_REQUESTS_PER_ORGANISATION = env_int("LINK_REQUESTS_PER_ORGANISATION", 200)
LINK_REQUESTS_PER_PERSON = env_int("LINK_REQUESTS_PER_PERSON", 3)
LINK_REQUEST_VALID_HOURS = env_int("LINK_REQUEST_VALID_HOURS", 72)
LINK_CODE_TRIES_PER_IP = env_int("LINK_CODE_TRIES_PER_IP", 20)
LINK_CODE_TRIES_WINDOW_SECONDS = env_int("LINK_CODE_TRIES_WINDOW_SECONDS", 60 * 60)
