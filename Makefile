# Two commands on a bare machine with python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup venv migrate clean messages

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

setup: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py certificates_keygen --if-missing
	$(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)
	$(BIN)/python manage.py places_demo --base-url http://$(HOST):$(PORT)
	$(BIN)/python manage.py clinics_demo --base-url http://$(HOST):$(PORT)

run: setup
	@echo "Portal: http://$(HOST):$(PORT)/   Staff console: http://$(HOST):$(PORT)/console/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# For translators (needs GNU gettext): refresh locale/*/LC_MESSAGES/django.po, then compile the .mo files we commit.
messages: venv
	$(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
