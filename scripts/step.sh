#!/usr/bin/env bash
# One setup step as one progress line: `scripts/step.sh N/TOTAL "what" LOG command...`
# The command's whole output goes to LOG; the terminal sees "[N/TOTAL] what ... done (12 s)" (on a terminal
# the line counts the seconds while it runs). On failure: the log's path and its last lines, and the
# command's exit status.
set -uo pipefail
if [ $# -lt 4 ]; then echo "usage: $0 N/TOTAL WHAT LOG COMMAND..." >&2; exit 2; fi
pos=$1 what=$2 log=$3
shift 3
mkdir -p "$(dirname "$log")"
start=$SECONDS
{ echo "# $(date -u '+%Y-%m-%dT%H:%M:%SZ') [$pos] $what"; echo "# \$ $*"; } >"$log"
"$@" >>"$log" 2>&1 </dev/null &
pid=$!
if [ -t 1 ]; then
  while kill -0 "$pid" 2>/dev/null; do
    printf '\r[%s] %s ... %d s' "$pos" "$what" $((SECONDS - start))
    sleep 1
  done
else
  printf '[%s] %s ...' "$pos" "$what"
fi
wait "$pid"
status=$?
took=$((SECONDS - start))
if [ "$status" -eq 0 ]; then
  [ -t 1 ] && printf '\r[%s] %s ... done (%d s)\n' "$pos" "$what" "$took" || printf ' done (%d s)\n' "$took"
  exit 0
fi
[ -t 1 ] && printf '\r[%s] %s ... FAILED (exit %d, %d s)\n' "$pos" "$what" "$status" "$took" \
  || printf ' FAILED (exit %d, %d s)\n' "$status" "$took"
echo "last lines of $log (the whole log is there):"
tail -n 25 "$log" | sed 's/^/    /'
exit "$status"
