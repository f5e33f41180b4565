#!/bin/bash
# bench/analysis/run.sh - the backtest of the early-warning methods (issue
# 16, "Measured before trusted"): runs `fengqiao analyze backtest` on a
# generated province of BENCH_ANALYSIS_CASES cases over a year (default
# 1,000,000), with the default parameters, on five seeds, and with --sweep,
# and writes bench/analysis/RESULTS.md with the machine, the date, the run
# time and the tables. docs/analysis.md ("Methods and backtest") quotes it.
#   BENCH_ANALYSIS_CASES (default 1000000)
#   BENCH_ANALYSIS_SWEEP=0   skip the grid of settings
set -euo pipefail
cd "$(dirname "$0")/../.."
CASES=${BENCH_ANALYSIS_CASES:-1000000}
BIN=${FQ_BIN:-build/fengqiao}
OUT=bench/analysis/RESULTS.md
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "backtest: $CASES cases, seed 1 ..." >&2
/usr/bin/time -f "%e %M" -o "$TMP/time" "$BIN" analyze backtest --cases "$CASES" --seed 1 > "$TMP/main.txt"
read -r SECS RSS < "$TMP/time"

# the pooled rows (outbreaks >= 5 caught within 2 days, false alarms) of
# more seeds, to show how much one seed's numbers move
for seed in 2 3 4 5; do
	echo "backtest: seed $seed ..." >&2
	"$BIN" analyze backtest --cases "$CASES" --seed "$seed" |
		awk -v s="$seed" -F' [|] ' '/^[|] (ears_c2|negbin) [|] (township x category|all four) [|] [0-9]+ [|] [0-9]+ [|] [0-9.]+ [|]/ {
			sub(/ [|]$/, "", $7); printf "| %s | %s | %s | %s | %s | %s |\n", s, substr($1, 3), $2, $5, $6, $7 }'
done > "$TMP/seeds.txt"

if [ "${BENCH_ANALYSIS_SWEEP:-1}" != 0 ]; then
	echo "backtest: sweep ..." >&2
	"$BIN" analyze backtest --cases "$CASES" --seed 1 --sweep | grep -E '^[|] (method|---|.*(township x category|all four))' > "$TMP/sweep.txt"
fi

{
	echo "# Backtest of the early-warning methods"
	echo
	echo "Written by \`bench/analysis/run.sh\` (\`make bench\`); read with docs/analysis.md,"
	echo "\"Methods and backtest\", which explains the columns and the generated province."
	echo
	echo "## $(date -u +%Y-%m-%d) — $CASES cases — commit $(git rev-parse --short HEAD)"
	echo
	echo "Machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)."
	echo "Run time of one backtest (seed 1, both methods, every series): ${SECS} s, peak RSS $((RSS / 1024)) MB."
	echo
	echo '```'
	head -2 "$TMP/main.txt"
	echo '```'
	echo
	tail -n +4 "$TMP/main.txt"
	echo
	echo "### Other seeds (same parameters)"
	echo
	echo "| seed | method | level | false alarms / county / month | after the 7-day rule | outbreaks >= 5 caught within 2 days |"
	echo "|---|---|---|---|---|---|"
	cat "$TMP/seeds.txt"
	if [ -s "$TMP/sweep.txt" ] 2>/dev/null; then
		echo
		echo "### Settings tried (seed 1, \`--sweep\`; false alarms after the 7-day rule)"
		echo
		cat "$TMP/sweep.txt"
	fi
} > "$OUT"
echo "wrote $OUT (backtest ${SECS} s)" >&2
