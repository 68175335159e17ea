#!/bin/sh
# Same as tests/fuzz/run (the name the brief and docs use).
exec "$(dirname "$0")/run" "$@"
