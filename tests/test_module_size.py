"""No module of the apps is over ~300 lines (issue 15): a module that grows past it mixes topics and is split where
the domain splits. Migrations and tests are not counted; bench/ and docker/ are tools, not apps."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["api", "certificates", "citizens", "clinics", "config", "opendata", "places", "registry", "reporting",
        "vaccination"]
LIMIT = 300


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts or path.name.startswith("test_"):
                continue
            yield relative.as_posix(), path


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_apps_are_found():
    modules = dict(_modules())
    assert "vaccination/services/dose_recording.py" in modules
    assert len(modules) > 100


def test_no_module_of_the_apps_is_over_300_lines():
    over = {name: _lines(path) for name, path in _modules() if _lines(path) > LIMIT}
    assert not over, f"Split these modules by topic (over {LIMIT} lines): {over}"

