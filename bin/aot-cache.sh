# Sourced by ./mmsim: the JVM's ahead-of-time cache (JDK 25: JEP 483 mmsim's classes and its libraries' loaded and
# linked ahead of time, JEP 515 method profiles, created in one step as JEP 514 allows), so that a run spends less
# of its first second loading classes and interpreting code the JIT has not compiled yet (docs/performance.md:
# 15-25 % less main-thread CPU in a cold seed workload than without a cache). There is one cache per modelled
# architecture (target/mmsim-x86_64.aot, target/mmsim-arm64.aot), each made by a training run of the seed
# workloads, scaled down, on that architecture only: a profile trained on both in one JVM is the JIT profile
# pollution of docs/performance.md (measured: 20-30 % slower arm64 bulk paths). The cache is chosen from the
# command line (the first architecture given to --arch, --target or --bulk-arch; x86_64 otherwise); a wrong guess
# only costs speed, never correctness (a profile is a hint to the JIT). `mmsim bench` makes both, so that its
# child JVMs get the cache of their own architecture (ChildJvm). A cache is made once per build: again whenever
# the jar is newer than it or another JDK runs mmsim. If it cannot be made, mmsim says so once per build and runs
# without it. MMSIM_AOT=0 turns it off.
#
# The long-running commands (sweep, difftest, reproduce, calibrate) use the cache's classes but not its method
# profiles (-XX:-AOTReplayTraining), and so do the JVMs of `mmsim bench`'s bulk-path rows (ChildJvm.STEADY): from
# the replayed training profiles JDK 25 compiles the hot page-table loops early, once, into code 15-40 % slower
# than what it compiles from a run's own profiles (seed004 warm 1,090 against 775 ms; docs/performance.md,
# session 5), while the profiles save a short run 15-30 % of its cold time.
#
# mmsim_aot_cache DIR JAR CLASSPATH ARGS... sets the array MMSIM_AOT_OPTS to the JVM options that use the cache
# for the command line ARGS (or none).
mmsim_aot_cache() {
  local dir="$1" jar="$2" cp="$3"
  shift 3
  MMSIM_AOT_OPTS=()
  [ "${MMSIM_AOT:-1}" = 0 ] && return 0
  local arch
  arch="$(mmsim_aot_arch "$@")"
  if [ "${1:-}" = bench ]; then
    local other=arm64
    [ "$arch" = arm64 ] && other=x86_64
    mmsim_aot_make "$dir" "$jar" "$cp" "$other" >/dev/null
  fi
  local aot
  if aot="$(mmsim_aot_make "$dir" "$jar" "$cp" "$arch")"; then
    MMSIM_AOT_OPTS=(-XX:AOTCache="$aot")
    case "${1:-}" in
      sweep | difftest | reproduce | calibrate) MMSIM_AOT_OPTS+=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining) ;;
    esac
  fi
  return 0
}

# mmsim_aot_arch ARGS... prints the architecture the command line asks for first (x86_64 if none).
mmsim_aot_arch() {
  local prev="" a v x xs
  for a in "$@"; do
    v=""
    case "$prev" in --arch | --target | --bulk-arch) v="$a" ;; esac
    case "$a" in --arch=* | --target=* | --bulk-arch=*) v="${a#*=}" ;; esac
    IFS=, read -ra xs <<<"$v"
    for x in "${xs[@]}"; do
      case "$x" in x86_64 | arm64) echo "$x"; return 0 ;; esac
    done
    prev="$a"
  done
  echo x86_64
}

# mmsim_aot_make DIR JAR CLASSPATH ARCH makes the cache of ARCH if it is missing or stale, prints its path and
# succeeds if it is usable.
mmsim_aot_make() {
  local dir="$1" jar="$2" cp="$3" arch="$4"
  local aot="$dir/mmsim-$arch.aot" stamp="$dir/mmsim-$arch.aot.jdk" failed="$dir/mmsim-$arch.aot.failed"
  local log="$dir/aot-build-$arch.log"
  local jdk="$JAVA_HOME/bin/java $(sed -n 's/^JAVA_RUNTIME_VERSION=//p' "$JAVA_HOME/release" 2>/dev/null)"
  if [ -f "$aot" ] && [ ! "$jar" -nt "$aot" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$jdk" ]; then
    echo "$aot"
    return 0
  fi
  # a failed attempt for this build and JDK is not repeated on every run
  if [ -f "$failed" ] && [ ! "$jar" -nt "$failed" ] && [ "$(cat "$failed")" = "$jdk" ]; then return 1; fi
  echo "mmsim: creating the JVM's AOT cache for $arch and this build (target/mmsim-$arch.aot, a few seconds, once)..." >&2
  local tmp="$aot.$$.tmp"
  if "$JAVA_HOME/bin/java" -XX:AOTCacheOutput="$tmp" --enable-native-access=ALL-UNNAMED -cp "$cp" org.mmsim.cli.Main \
       bench --quick --only workloads --in-process --target "$arch" --warm-runs 0 >"$log" 2>&1 \
     && [ -s "$tmp" ]; then
    rm -f "$tmp.config" "$failed" "$log"
    if mv -f "$tmp" "$aot" 2>/dev/null && printf '%s\n' "$jdk" 2>/dev/null >"$stamp"; then
      echo "$aot"
      return 0
    fi
    return 1
  fi
  rm -f "$tmp" "$tmp.config"
  printf '%s\n' "$jdk" 2>/dev/null >"$failed" || true
  echo "mmsim: could not create the AOT cache for $arch (see target/aot-build-$arch.log); running without it" >&2
  return 1
}
