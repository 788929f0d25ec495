#!/usr/bin/env bash
# Sweep throughput on one core against two (issue 9: "2 cores give at least 1.7x the throughput of 1 core").
#
#   tools/sweep-scaling.sh [SWEEP ARGS...]      default: -p LOOPS=400 --size 16M,64M (108 configurations)
#
# Runs the same sweep three times, back to back, and compares their throughputs:
#   1 core    the whole JVM pinned to one CPU (taskset -c CPU), as on a one-core machine: the JIT compiler
#             threads share that core with the worker;
#   2 cores   --jobs 2 on two CPUs;
#   --jobs 1  one worker thread with two CPUs (the JIT compiles on the otherwise idle second CPU).
# The rows of the three outputs must be equal in every column but wall_ns; the script says so or stops. It also
# compares the machine's busy CPU time (/proc/stat) with the runs' own CPU time: when other work ran at the same
# time the wall times are not the sweep's, and the script says so. It needs Linux, taskset and 2 CPUs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ "$(uname -s)" = Linux ] || { echo "sweep-scaling: needs Linux (/proc/stat, taskset)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "sweep-scaling: needs taskset (util-linux)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "sweep-scaling: needs python3 (to compare the CSV outputs)" >&2; exit 2; }
for a in "$@"; do
  case "$a" in -o | --out | --out=* | -o* | --format | --format=* | --shard | --shard=* | --jobs | --jobs=*)
    echo "sweep-scaling: '$a' is the script's to choose (it writes CSV files of its own, sets --jobs, runs the whole grid)" >&2
    exit 2 ;;
  esac
done
mapfile -t cpus < <(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' | while IFS=- read -r a b; do seq "$a" "${b:-$a}"; done)
[ "${#cpus[@]}" -ge 2 ] || { echo "sweep-scaling: needs 2 CPUs, this process may use ${#cpus[@]}" >&2; exit 2; }
one="${cpus[0]}" two="${cpus[0]},${cpus[1]}"
[ $# -gt 0 ] || set -- -p LOOPS=400 --size 16M,64M
"$here/mmsim" --version >/dev/null   # builds first if needed, outside the measurement
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }   # user nice system irq softirq, in ticks
hz="$(getconf CLK_TCK)"

# run NAME CPUS JOBS: one sweep; prints "NAME wall_s configs/s own_cpu_s machine_busy_s"
run() {
  local name="$1" cpuset="$2" jobs="$3" b0 b1 line
  b0="$(busy)"
  /usr/bin/time -f '%e %U %S' -o "$dir/$name.time" taskset -c "$cpuset" "$here/mmsim" sweep --jobs "$jobs" \
    -o "$dir/$name.csv" "${args[@]}" 2>"$dir/$name.err" || { cat "$dir/$name.err" >&2; exit 1; }
  b1="$(busy)"
  line="$(grep 'configurations/s' "$dir/$name.err" || true)"
  read -r wall user sys <"$dir/$name.time"
  local rate own
  rate="$(sed -n 's/.*: \([0-9.]*\) configurations\/s.*/\1/p' <<<"$line")"
  own="$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')"
  printf '%-9s %8.2f %10s %9s %9s\n' "$name" "$wall" "$rate" "$own" "$(awk -v a="$b0" -v b="$b1" -v h="$hz" 'BEGIN{printf "%.2f", (b-a)/h}')"
  echo "$rate" >"$dir/$name.rate"
}
args=("$@")
set --
echo "mmsim sweep scaling: $(nproc) CPUs usable, load average $(cut -d' ' -f1-3 /proc/loadavg), sweep args: ${args[*]}"
printf '%-9s %8s %10s %9s %9s\n' run "wall s" "configs/s" "own CPU s" "busy CPU s"
run 1core "$one" 1
run 2cores "$two" 2
run jobs1 "$two" 1
strip() { python3 - "$1" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
i = rows[0].index("wall_ns")
for r in rows: print(",".join(r[:i] + r[i + 1:]))
EOF
}
for n in 2cores jobs1; do
  if ! cmp -s <(strip "$dir/1core.csv") <(strip "$dir/$n.csv"); then
    echo "sweep-scaling: the $n rows differ from the 1-core rows (beyond wall_ns)" >&2
    exit 1
  fi
done
echo "rows: equal in every column but wall_ns ($(($(wc -l <"$dir/1core.csv") - 1)) configurations)"
awk -v a="$(cat "$dir/1core.rate")" -v b="$(cat "$dir/2cores.rate")" -v c="$(cat "$dir/jobs1.rate")" 'BEGIN{
  printf "throughput, 2 cores / 1 core:          %.2fx\n", b / a
  printf "throughput, --jobs 2 / --jobs 1 (2 CPUs): %.2fx\n", b / c }'
echo "(a busy CPU time well above the own CPU time means other work ran at the same time: measure again)"
