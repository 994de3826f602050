# The two commands of the README: `make demo` and `make test`. Both install what they need.
.PHONY: install demo test lint

install:
	@bash scripts/install.sh

demo: install
	LANTERN_ENV=development .venv/bin/festival demo $(DEMO_ARGS)

test: install
	.venv/bin/pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
