"""What a newcomer meets on `make run`: another port works end to end, and the README's demo people exist."""
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from citizens.demo import CITIZENS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_run_with_another_port_serves_and_prints_that_port():
    commands = subprocess.run(["make", "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout
    assert "seed_demo --base-url http://127.0.0.1:8100" in commands
    assert "runserver 127.0.0.1:8100" in commands
    assert ":8000" not in commands


@pytest.mark.django_db
def test_seed_demo_prints_the_links_of_the_port_used():
    out = io.StringIO()
    call_command("seed_demo", base_url="http://127.0.0.1:8100", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8100/console/" in text and "http://127.0.0.1:8100/signin/" in text
    assert ":8000" not in text
    assert re.search(r"0912000001\s+Nguyễn Thị Lan\s+cares for Nguyễn Minh Khôi", text)
    assert re.search(r"0912000004\s+Phạm Văn Đức\s+2 dose\(s\)", text)


def test_readme_lists_the_demo_citizens_seed_demo_creates():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run PORT=8100" in readme
    listed = re.findall(r"^\| `(09\d{8})` \| ([^|]+?) \|", readme, flags=re.MULTILINE)
    assert listed == [(phone, name) for phone, name, *_rest in CITIZENS]
