#!/usr/bin/env bash
# Render a bench/run.sh JSON report as the markdown summary kept next to it.
# usage: report-md.sh REPORT.json
set -euo pipefail
jq -r '
  def mib: if . == null or . < 0 then "-" else (. / 1024 * 10 | round / 10 | tostring) end;
  def num: if . == null then "-" else tostring end;
  def ratio: if . == null then "n/a" else tostring end;
  "# Benchmark: \(.label)",
  "",
  "- date \(.date), host \(.host), commit \(.commit)",
  "- machine: \(.machine.nproc) cores, \(.machine.cpu_model), \(.machine.mem_total_mib) MiB; \(.machine.java); node \(.machine.node)",
  "- each run: fresh server on 127.0.0.1, warm-up \(.settings.warmup_s) s, measured \(.settings.duration_s) s, tools/call `echo`, protocol 2025-11-25",
  "- HTTP: \(.settings.http_generator); stdio: \(.settings.stdio_generator)",
  (if (.skipped | length) > 0 then "- skipped: \(.skipped | join(", ")) (not built)" else empty end),
  "- generator and server share the same cores; compare servers only within one report (see docs/benchmarks.md)",
  "",
  "| server | transport | conc. | calls/s | p50 ms | p95 ms | p99 ms | errors | RSS before MiB | RSS after MiB | server CPU s | generator CPU s | load 1m |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  (.results[] |
    if .failed then "| \(.server) | \(.transport) | \(.concurrency) | failed: \(.failed) | | | | | | | | | |"
    else "| \(.server) | \(.transport) | \(.concurrency) | \(.calls_per_s | round) | \(.p50_ms|num) | \(.p95_ms|num) | \(.p99_ms|num) | \(.errors|num) | \(.rss_before_kib|mib) | \(.rss_after_kib|mib) | \(.server_cpu_s|num) | \(.generator_cpu_s|num) | \(.loadavg_1m_before|num) |"
    end),
  "",
  "| run | erlmcp / java-sdk (calls/s) | erlmcp / reference (calls/s) |",
  "|---|---:|---:|",
  (.ratios[] | "| \(.run) | \(.erlmcp_over_java_sdk|ratio) | \(.erlmcp_over_reference|ratio) |")
' "$1"
