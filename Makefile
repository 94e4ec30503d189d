# erlmcp — the two commands a newcomer needs:
#   make run    build, start a local Cassandra and one erlmcp node serving the hello example on
#               http://127.0.0.1:8080/mcp (Ctrl-C stops both)
#   make test   build and run every test suite (unit, Cassandra integration, interop, conformance)
MVN ?= mvn -B -q
CASSANDRA_DIR ?= var/cassandra
HTTP ?= 127.0.0.1:8080
SERVER ?= hello

.PHONY: build run test test-unit conformance bench cassandra-start cassandra-stop clean

build:
	$(MVN) -DskipTests package

run: build
	bin/cassandra start --dir $(CASSANDRA_DIR)
	@bash -c "trap 'bin/cassandra stop --dir $(CASSANDRA_DIR)' EXIT; trap 'true' INT; \
	  bin/erlmcp serve --http $(HTTP) --server $(SERVER) --journal cassandra; \
	  code=\$$?; [ \$$code -eq 0 ] || [ \$$code -eq 130 ] || [ \$$code -eq 143 ]"

test:
	scripts/test.sh

# Unit tests only (no Cassandra, no interop): fast feedback while coding.
test-unit:
	$(MVN) -Dsurefire.excludedGroups=cassandra,interop verify

# Side-by-side benchmark (erlmcp, Java SDK, reference server); docs/benchmarks.md. BENCH_ARGS=--quick
bench: build
	bench/run.sh $(BENCH_ARGS)

cassandra-start:
	bin/cassandra start --dir $(CASSANDRA_DIR)

cassandra-stop:
	bin/cassandra stop --dir $(CASSANDRA_DIR)

clean:
	$(MVN) clean

