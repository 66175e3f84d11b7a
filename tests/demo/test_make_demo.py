"""The Makefile's demo targets (dry runs: `make -n` prints the commands without running them)."""
from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dry_run(*args: str) -> str:
    result = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_demo_generates_the_demo_with_a_commune_officer_and_serves_on_the_port_asked():
    commands = dry_run("demo", "PORT=8001")
    assert "manage.py demo_data --scale small" in commands
    assert "create_user demo-commune --role entry --unit 00070" in commands
    assert commands.index("create_user demo-commune") < commands.index("demo_data")  # reports name their officers
    assert "runserver 127.0.0.1:8001" in commands


def test_make_demo_serves_on_8000_by_default():
    assert "runserver 127.0.0.1:8000" in dry_run("demo")


def test_make_run_demo_serves_the_existing_demo_without_generating_it_again():
    commands = dry_run("run-demo", "PORT=8002")
    assert "runserver 127.0.0.1:8002" in commands and "migrate" in commands
    for step in ("demo_data", "load_units", "create_user"):
        assert step not in commands
