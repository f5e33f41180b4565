# A thin wrapper over meson + ninja. `make run` and `make test` are the two
# commands the README opens with.
BUILD      ?= build
ASAN_BUILD ?= build-asan
DB         ?= var/fengqiao.db
LISTEN     ?= 127.0.0.1:8080

.PHONY: all run test unit api browser asan bootstrap clean bench fuzz web

all: $(BUILD)/build.ninja web
	scripts/check-banned
	scripts/check-layers
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

$(ASAN_BUILD)/build.ninja:
	CC=clang meson setup $(ASAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

web: web/vendor/echarts.min.js

web/vendor/echarts.min.js: node_modules/echarts/dist/echarts.min.js
	mkdir -p web/vendor
	cp $< $@

node_modules/echarts/dist/echarts.min.js:
	npm ci --no-audit --no-fund

bootstrap:
	scripts/bootstrap

run: bootstrap all
	mkdir -p var
	$(BUILD)/fengqiao migrate --db $(DB)
	$(BUILD)/fengqiao import-regions --db $(DB)
	$(BUILD)/fengqiao seed-demo --db $(DB) --password demo-password-2026
	@echo "Demo users share the password demo-password-2026 (try fengyuan.mediator)."
	scripts/with-janus var http://$(LISTEN) $(BUILD)/fengqiao serve --db $(DB) --listen $(LISTEN)

asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

test: bootstrap all asan
	scripts/test

bench: bootstrap all
	bench/run
	bench/analysis/run.sh

fuzz: bootstrap
	scripts/fuzz

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
