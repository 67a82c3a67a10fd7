# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Two workers (pytest-xdist), one per core of the CI machine; each has its own test database
# (pytest-django names them per worker) and its own cache key prefix (config/settings/test.py).
PYTEST_ARGS ?= -n 2

.PHONY: install run test lint format bench messages clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

# axe-core for the browser tests comes from the npm registry at install time, never at test time.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Browser tests drive Debian's Chromium (never a browser downloaded by playwright) and need
# CJK fonts so that Japanese renders in screenshots.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null 2>&1; then \
		export DEBIAN_FRONTEND=noninteractive; \
		$(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk fonts-dejavu-core \
			libpango-1.0-0 libpangoft2-1.0-0 poppler-utils; \
	fi

# Links in emails follow the port the server listens on, unless SITE_URL is set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (mail is written to var/mail/)"
	@echo "Notifications and reminders: manage.py run_notifications, beside the server"
	@$(BIN)/python manage.py run_notifications & notifications=$$!; \
	trap 'kill $$notifications 2>/dev/null; wait $$notifications' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench

messages: install
	$(BIN)/python manage.py makemessages -l ja -l en -l zh_Hans -l ko -l pt_BR -l vi -l ja_Easy --no-obsolete
	$(BIN)/python manage.py compilemessages

clean:
	rm -rf var/test*.sqlite3* .pytest_cache
