# Sourced by ./mmsim: the JVM's ahead-of-time cache (JEP 483: mmsim's classes and its libraries' loaded and linked
# ahead of time; created in one step as JEP 514 allows), so that a run spends less of its first second loading
# classes (docs/performance.md: 10-20 % less CPU in short runs). It is created by a training run of the seed
# workloads, scaled down, on both modelled architectures (no host backend), once per build: again whenever the
# jar is newer than the cache or another JDK runs mmsim. Method profiles (JEP 515) are NOT recorded: a profile
# trained on both architectures in one JVM is the JIT profile pollution of docs/performance.md, and with it the
# x86_64 mremap bulk path ran at 120-300 ns/PTE instead of 8 (measured). If the cache cannot be created, mmsim says
# so once per build and runs without it. MMSIM_AOT=0 turns it off.
#
# mmsim_aot_cache DIR JAR CLASSPATH sets the array MMSIM_AOT_OPTS to the JVM options that use the cache (or none).
mmsim_aot_cache() {
  local dir="$1" jar="$2" cp="$3"
  local aot="$dir/mmsim.aot" stamp="$dir/mmsim.aot.jdk" failed="$dir/mmsim.aot.failed" log="$dir/aot-build.log"
  local jdk="$JAVA_HOME/bin/java $(cat "$JAVA_HOME/release" 2>/dev/null | sed -n 's/^JAVA_RUNTIME_VERSION=//p')"
  MMSIM_AOT_OPTS=()
  [ "${MMSIM_AOT:-1}" = 0 ] && return 0
  local fresh=0
  if [ -f "$aot" ] && [ ! "$jar" -nt "$aot" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$jdk" ]; then fresh=1; fi
  if [ "$fresh" = 0 ]; then
    # a failed attempt for this build and JDK is not repeated on every run
    if [ -f "$failed" ] && [ ! "$jar" -nt "$failed" ] && [ "$(cat "$failed")" = "$jdk" ]; then return 0; fi
    echo "mmsim: creating the JVM's AOT cache for this build (target/mmsim.aot, a few seconds, once)..." >&2
    local tmp="$aot.$$.tmp"
    if "$JAVA_HOME/bin/java" -XX:AOTCacheOutput="$tmp" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
         --enable-native-access=ALL-UNNAMED -cp "$cp" org.mmsim.cli.Main \
         bench --quick --only workloads --in-process --target x86_64,arm64 --warm-runs 0 >"$log" 2>&1 \
       && [ -s "$tmp" ]; then
      rm -f "$tmp.config" "$failed" "$log"
      if mv -f "$tmp" "$aot" 2>/dev/null && printf '%s\n' "$jdk" 2>/dev/null >"$stamp"; then fresh=1; fi
    else
      rm -f "$tmp" "$tmp.config"
      printf '%s\n' "$jdk" 2>/dev/null >"$failed" || true
      echo "mmsim: could not create the AOT cache (see target/aot-build.log); running without it" >&2
    fi
  fi
  if [ "$fresh" = 1 ]; then MMSIM_AOT_OPTS=(-XX:AOTCache="$aot"); fi
  return 0
}
