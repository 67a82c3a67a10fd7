"""The deployment files run real parts of this project.

docker-compose.yml, the Dockerfile, the Makefile and the README name modules, commands and
environment variables; each of them must exist, or the stack breaks only when someone deploys.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.bin.base import CLIContext
from celery.bin.celery import celery as celery_cli
from django.core.management import get_commands, load_command_class
from gunicorn.config import Config as GunicornConfig

import config

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
APP_SERVICES = {name: svc for name, svc in SERVICES.items() if "build" in svc}
DOCKERFILE = (ROOT / "Dockerfile").read_text()
README = (ROOT / "README.md").read_text()

# What `docker compose up` needs from the shell (the ${VAR:?...} variables), as a deployer sets it.
SHELL_ENV = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}

ENV_READ = re.compile(
    r"""(?:environ\.get\(|environ\[|getenv\(|env_\w+\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def settings_env_names() -> set[str]:
    """Return the environment variables that config/settings/*.py read."""
    names: set[str] = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names.update(ENV_READ.findall(path.read_text()))
    return names


def interpolate(value: str) -> str:
    """Resolve compose's ${VAR}, ${VAR:-default} and ${VAR:?error} the way compose does."""

    def resolve(match: re.Match) -> str:
        name, kind, rest = match.group(1), match.group(2), match.group(3) or ""
        given = SHELL_ENV.get(name, "")
        if kind == "?" and not given:
            pytest.fail(f"docker-compose.yml needs {name} from the shell: {rest}")
        if kind == "-" and not given:
            return rest
        return given

    return re.sub(r"\$\{(\w+)(?::?([-?])([^}]*))?\}", resolve, value)


def service_env(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: interpolate(str(value)) for key, value in environment.items()}


def argv_of(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """Return (INSTRUCTION, arguments) pairs, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    pairs = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def dockerfile_exec_form(instruction: str) -> list[str] | None:
    found = [args for name, args in dockerfile_instructions() if name == instruction]
    if not found:
        return None
    return json.loads(found[-1])  # the exec form; the shell form would hide signals from PID 1


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for name, arguments in dockerfile_instructions():
        if name == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(arguments))
    return env


def commands_run() -> list[tuple[str, list[str]]]:
    """Return every command the deployment runs: compose services, then the image's default."""
    entrypoint = dockerfile_exec_form("ENTRYPOINT") or []
    runs = [
        (f"compose service {name}", entrypoint + argv_of(svc["command"]))
        for name, svc in APP_SERVICES.items()
        if "command" in svc
    ]
    runs.append(("Dockerfile CMD", entrypoint + (dockerfile_exec_form("CMD") or [])))
    return runs


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter with only the given environment, as a container would."""
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_gunicorn(argv: list[str], env: dict[str, str]) -> None:
    options = GunicornConfig().parser().parse_args(argv[1:])
    assert len(options.args) == 1, f"gunicorn needs exactly one WSGI app, got {options.args}"
    module, _, attribute = options.args[0].partition(":")
    code = f"""
import importlib, json
module = importlib.import_module({module!r})
app = getattr(module, {attribute or "application"!r})
print(json.dumps({{"file": module.__file__, "callable": callable(app),
                  "type": type(app).__name__}}))
"""
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert Path(found["file"]).resolve().is_relative_to(ROOT), found
    assert found["callable"], found
    assert found["type"] == "WSGIHandler", found


def check_celery(argv: list[str]) -> None:
    args = argv[1:]
    app_name = None
    while args and args[0].startswith("-"):
        option = args.pop(0)
        if option in {"-A", "--app"}:
            app_name = args.pop(0)
        elif option.startswith("--app="):
            app_name = option.split("=", 1)[1]
        else:
            pytest.fail(f"unexpected celery option before the subcommand: {option}")
    assert app_name == "config", f"celery must run the project's app (-A config), got {app_name}"
    app = find_app(app_name)
    assert isinstance(app, Celery)
    assert app is config.celery_app
    assert args, "celery needs a subcommand"
    subcommand, sub_args = args[0], args[1:]
    assert subcommand in {"worker", "beat"}, subcommand
    parent = click.Context(
        celery_cli, obj=CLIContext(app=app, no_color=True, workdir=None, quiet=True)
    )
    celery_cli.commands[subcommand].make_context(subcommand, list(sub_args), parent=parent)


def check_manage(argv: list[str]) -> None:
    position = next(i for i, arg in enumerate(argv) if arg.endswith("manage.py"))
    name, options = argv[position + 1], argv[position + 2 :]
    commands = get_commands()
    assert name in commands, f"manage.py has no command {name!r}"
    command = load_command_class(commands[name], name)
    command.create_parser("manage.py", name).parse_args(options)


@pytest.mark.parametrize("label,argv", commands_run(), ids=[label for label, _ in commands_run()])
def test_every_command_runs_a_real_part_of_the_project(label, argv):
    env = {**dockerfile_env(), **service_env(next(iter(APP_SERVICES.values())))}
    program = Path(argv[0]).name
    if program == "gunicorn":
        check_gunicorn(argv, env)
    elif program == "celery":
        check_celery(argv)
    elif any(arg.endswith("manage.py") for arg in argv[:2]):
        check_manage(argv)
    else:
        pytest.fail(f"{label} runs {argv[0]!r}, which this test does not know how to check")


def test_compose_runs_web_worker_beat_and_a_one_shot_migrate():
    programs = {name: argv_of(svc.get("command", [])) for name, svc in APP_SERVICES.items()}
    assert programs["web"][0] == "gunicorn"
    assert programs["worker"][:4] == ["celery", "-A", "config", "worker"]
    assert programs["beat"][:4] == ["celery", "-A", "config", "beat"]
    assert programs["migrate"][:3] == ["python", "manage.py", "migrate"]
    assert SERVICES["migrate"]["restart"] == "no"
    workers = GunicornConfig().parser().parse_args(programs["web"][1:]).workers
    assert workers and workers > 1
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_every_app_service_uses_the_one_image_built_from_the_dockerfile():
    assert set(APP_SERVICES) == {"migrate", "web", "worker", "beat"}
    images = {svc.get("image") for svc in APP_SERVICES.values()}
    assert len(images) == 1, f"app services name different images: {images}"
    for name, svc in APP_SERVICES.items():
        assert svc["build"] in (".", {"context": "."}), f"{name} builds from {svc['build']}"
    for name, svc in SERVICES.items():
        if name not in APP_SERVICES:
            assert svc.get("image") not in images, f"{name} uses the app image without build: ."


def test_backing_services_are_postgres_redis_and_a_mail_catcher_with_healthchecks():
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    assert SERVICES["mailpit"]["image"].startswith("axllent/mailpit")
    for name in ("postgres", "redis"):
        assert SERVICES[name]["healthcheck"]["test"], f"{name} has no healthcheck"
    for svc in SERVICES.values():
        for dependency in svc.get("depends_on", {}):
            assert dependency in SERVICES, f"depends on unknown service {dependency}"


def test_app_services_share_one_environment_read_by_the_settings():
    environments = [service_env(svc) for svc in APP_SERVICES.values()]
    assert all(env == environments[0] for env in environments), "app services' environments differ"
    env = environments[0]
    read = settings_env_names()
    unread = set(env) - read - {"DJANGO_SETTINGS_MODULE"}
    assert not unread, f"compose sets variables the settings never read: {sorted(unread)}"
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert dockerfile_env()["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    # The URLs point at the compose services, not at the developer's machine.
    assert urlsplit(env["DATABASE_URL"]).hostname == "postgres"
    assert urlsplit(env["REDIS_URL"]).hostname == "redis"
    assert env["EMAIL_HOST"] == "mailpit" and env["EMAIL_PORT"] == "1025"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "0"


def test_compose_environment_configures_postgres_redis_and_smtp_in_production_settings():
    env = {**dockerfile_env(), **service_env(SERVICES["web"])}
    code = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({"engine": settings.DATABASES["default"]["ENGINE"],
                  "broker": settings.CELERY_BROKER_URL, "eager": settings.CELERY_TASK_ALWAYS_EAGER,
                  "email": settings.EMAIL_BACKEND, "debug": settings.DEBUG,
                  "hosts": settings.ALLOWED_HOSTS}))
"""
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["broker"].startswith("redis://redis:")
    assert found["eager"] is False
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["debug"] is False
    assert "localhost" in found["hosts"]


def test_dockerfile_builds_python_311_and_runs_as_a_non_root_user():
    instructions = dockerfile_instructions()
    base = next(args for name, args in instructions if name == "FROM")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert base == "python:3.11-slim" and ">=3.11" in requires
    users = [args for name, args in instructions if name == "USER"]
    assert users and users[-1] not in {"root", "0"}
    runs = " ".join(args for name, args in instructions if name == "RUN")
    assert "pip install ." in runs
    for name in re.findall(r"manage\.py (\w+)", runs):
        assert name in get_commands(), f"Dockerfile runs manage.py {name}, which does not exist"
    assert "collectstatic" in runs


def test_check_deploy_with_production_settings_is_clean():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"SITE_URL"}
    }
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="example.jp")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--settings=config.settings.production",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert "no issues" in output, output


# What `make run` and `make test` do on a fresh machine, as the README says it.
MAKE_STEPS = {
    "run": [
        "-m venv .venv",
        '-e ".[dev]"',
        "manage.py migrate",
        "manage.py load_demo",
        "manage.py runserver 127.0.0.1:8000",
    ],
    "test": ["-m venv .venv", '-e ".[dev]"', "-m pytest"],
}


@pytest.mark.parametrize("target", sorted(MAKE_STEPS))
def test_make_targets_do_what_the_readme_says(target):
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    env.pop("PORT", None)
    # -B: as on a fresh clone, where .venv does not exist yet; -n: print, do not run.
    result = subprocess.run(
        ["make", "-n", "-B", target], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for step in MAKE_STEPS[target]:
        assert step in result.stdout, f"`make {target}` no longer runs {step!r}"
        assert step in README, f"README does not say that `make {target}` runs {step!r}"
    assert README.index("make run") < README.index("make test") < README.index("## ")


def test_readme_documents_every_environment_variable_the_settings_read():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", README, flags=re.MULTILINE))
    missing = settings_env_names() - documented
    assert not missing, f"add these to the README's configuration table: {sorted(missing)}"


def test_readme_names_only_commands_and_services_that_exist():
    commands = get_commands()
    for name in set(re.findall(r"manage\.py (\w+)", README)):
        assert name in commands, f"README uses manage.py {name}, which does not exist"
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))
    for target in set(re.findall(r"`make ([\w-]+)", README)):
        assert target in targets, f"README uses make {target}, which the Makefile lacks"
    for name in set(re.findall(r"docker compose (?:exec|run)(?: -T| --rm)* (\w+)", README)):
        assert name in SERVICES, f"README names compose service {name}, which does not exist"


def test_readme_lists_every_error_code():
    from core.errors import MESSAGES

    errors = README[README.index("### Errors") : README.index("### Limits")]
    missing = [code for code in MESSAGES if f"`{code}`" not in errors]
    assert not missing, f"add these error codes to the README's Errors section: {missing}"


# A client on plain HTTP that claims "https" in X-Forwarded-Proto: believed only when the
# settings declare a proxy in front of the app, which overwrites the header.
FORWARDED_PROTO_PROBE = """
import django
django.setup()
from django.test import Client
answer = Client().get("/api/v1/ping/", HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="example.jp")
print(answer.status_code, answer.get("Location", ""))
"""


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [
        ("", "301 https://example.jp/api/v1/ping/"),
        ("0", "301 https://example.jp/api/v1/ping/"),
        ("1", "200 "),
    ],
)
def test_forwarded_proto_is_believed_only_from_a_declared_proxy(proxies, expected):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.jp",
        "NUM_PROXIES": proxies,
        "SQLITE_PATH": str(ROOT / "var" / "forwarded-proto-probe.sqlite3"),
    }
    result = run_python(FORWARDED_PROTO_PROBE, env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == expected.strip()
