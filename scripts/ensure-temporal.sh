#!/usr/bin/env bash
# Prints the path of a Temporal CLI (dev server + Web UI), installing it with Go when absent.
# Exit 0 with the path on stdout; exit 3 with the reason on stderr when no server can be had.
# Version pin: v1.5.1 is the newest release `go install pkg@version` can build (docs/sources.md §T1).
set -euo pipefail
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"

if command -v temporal >/dev/null 2>&1; then
  command -v temporal
  exit 0
fi
if command -v go >/dev/null 2>&1; then
  gobin="$(go env GOBIN)"
  [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  if [ -x "$gobin/temporal" ]; then
    echo "$gobin/temporal"
    exit 0
  fi
  echo "ensure-temporal: building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (a few minutes the first time)" >&2
  if go install "github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}" >&2; then
    echo "$gobin/temporal"
    exit 0
  fi
  echo "ensure-temporal: go install failed; see the output above" >&2
  exit 3
fi
echo "ensure-temporal: no 'temporal' on PATH and no Go toolchain to build one." >&2
echo "  Install Go and run: go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}" >&2
echo "  or install the Temporal CLI from your package manager." >&2
exit 3
