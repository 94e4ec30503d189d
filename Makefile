# erlmcp — the two commands a newcomer needs are `make run` and `make test`.
MVN ?= mvn -B -q

.PHONY: build test clean
build:
	$(MVN) -DskipTests package

test:
	$(MVN) verify

clean:
	$(MVN) clean
