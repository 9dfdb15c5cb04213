# Caseworks — the two commands: `make dev` (whole stack) and `make test` (everything CI runs).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_STAMP := node_modules/.installed

.PHONY: help install temporal-cli temporal-cluster promtool chromium jemalloc build dev cluster test test-cluster test-long histories lint typecheck migrate key repair-case bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# `npm install`, not `npm ci`: the registry here lacks some of @swc/core's optional per-platform
# packages, which `npm ci` insists on finding in the lock file; install honours the lock all the same.
$(NODE_STAMP): package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

install: $(NODE_STAMP) temporal-cli temporal-cluster promtool chromium jemalloc ## install npm packages, the Temporal CLI and server, promtool, Chromium and jemalloc when missing

temporal-cli: ## build the Temporal CLI into .tools/bin (once; reused after)
	@bash scripts/install-temporal-cli.sh >/dev/null

temporal-cluster: ## build the Temporal server, its SQL tool and the UI server into .tools/bin (once, ~4 min; reused after)
	@bash scripts/install-temporal-cluster.sh >/dev/null

chromium: ## install Debian's Chromium for the browser tests (test/browser/) when /usr/bin/chromium is missing
	@bash scripts/install-chromium.sh

jemalloc: ## install Debian's libjemalloc2, which the worker runs on (scripts/worker-allocator.sh), when missing
	@bash scripts/install-jemalloc.sh

promtool: ## fetch promtool (checks deploy/prometheus/) into .tools/bin from Debian's prometheus package (once)
	@bash scripts/install-promtool.sh >/dev/null

build: $(NODE_STAMP) ## compile to dist/ and build the production workflow bundle
	npm run build --silent

dev: install build ## run Temporal dev server + UI, migrations, API and worker; Ctrl-C stops all
	@bash scripts/dev.sh

cluster: install temporal-cluster build ## the production topology: Temporal server on PostgreSQL (2 history processes, JWT auth), UI behind sign-in, 2 APIs behind a round robin, 2 workers; Ctrl-C stops all
	@bash scripts/cluster.sh

test: install ## lint, typecheck, build, unit + workflow + HTTP tests on real Temporal and PostgreSQL
	@bash scripts/test.sh

test-cluster: install temporal-cluster build ## the cluster suite alone (test/cluster): make cluster started and used, a worker and a history process killed
	npx jest -c test/cluster/jest.config.ts --runInBand

test-long: install ## the long suite (test/long): 10,000 actions on one case of each kind; LONG_ACTIONS=300 for a quick pass
	npx jest -c test/long/jest.config.ts --runInBand

histories: install ## re-record the replay fixtures (test/replay/README.md); RECORD_TYPES=ticketWorkflow for one type
	npx jest -c test/replay/record.jest.config.ts --runInBand

lint: $(NODE_STAMP)
	npx eslint .

typecheck: $(NODE_STAMP)
	npx tsc -p tsconfig.json --noEmit

migrate: $(NODE_STAMP) ## create the database if needed and apply migrations
	npx ts-node --transpile-only scripts/migrate.ts

key: $(NODE_STAMP) ## create an API key: make key ROLE=agent NAME=ann [BRAND=uoozee], ROLE=client NAME=x ACCOUNT=acme BRAND=uoozee (printed once)
	@ROLE="$(ROLE)" NAME="$(NAME)" ACCOUNT="$(ACCOUNT)" ACCOUNT_NAME="$(ACCOUNT_NAME)" BRAND="$(BRAND)" npx ts-node --transpile-only scripts/create-api-key.ts

repair-case: $(NODE_STAMP) ## a case stuck by the known problem (docs/known-problems.md): make repair-case CASE=<case-id> [APPLY=1]
	@CASE="$(CASE)" APPLY="$(APPLY)" npx ts-node --transpile-only scripts/repair-case.ts

bench: install build ## run the benchmarks (bench/), SCENARIO=<name> for one
	@bash bench/run.sh $(SCENARIO)

clean: ## remove build output and dev data (keeps the Temporal CLI)
	rm -rf dist .data
