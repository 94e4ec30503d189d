# erlmcp — the two commands a newcomer needs are `make run` and `make test`.
MVN ?= mvn -B -q

.PHONY: build test clean
build:
	$(MVN) -DskipTests package

test:
	$(MVN) verify

clean:
	$(MVN) clean

.PHONY: bench
# Side-by-side benchmark (erlmcp, Java SDK, reference server); docs/benchmarks.md. BENCH_ARGS=--quick
bench:
	bench/run.sh $(BENCH_ARGS)
