package org.mmsim.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code org.mmsim.cli.Main} with the given arguments in a fresh JVM: the same java, the same JVM options
 * (heap, AOT cache, ...; a flight recording, agent or log option of this JVM is not passed on) and the same class
 * path as this one, i.e. as the {@code mmsim} launcher started this JVM. The one exception is the launcher's AOT cache
 * ({@code bin/aot-cache.sh}): it holds method profiles trained on one architecture, so a child that models another
 * architecture gets that architecture's cache ({@code mmsim-<arch>.aot} next to this JVM's) when it exists. A
 * child that measures steady-state speed gets {@link #STEADY} as well.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** What the child printed, its exit code and its wall time from start to exit. */
    record Outcome(String stdout, String stderr, int exitCode, long wallNs) { }

    /**
     * The JVM options of a long-running mmsim command (bin/aot-cache.sh): the AOT cache's classes without its method
     * profiles, from which JDK 25 compiles the hot page-table loops into slower code than from a run's own.
     */
    static final List<String> STEADY = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");

    /**
     * The command line that runs {@code Main} with {@code mainArgs}; {@code target} is the architecture the child
     * models ({@code x86_64}, {@code arm64}) or anything else (e.g. {@code host}) to keep this JVM's AOT cache;
     * with {@code steady} the child also gets {@link #STEADY}.
     */
    static List<String> command(String target, List<String> mainArgs, boolean steady) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String a : jvmArgs) {
            if (a.startsWith("-XX:StartFlightRecording") || a.startsWith("-agent") || a.startsWith("-Xlog")) continue;
            cmd.add(aotCacheFor(target, a));
        }
        if (steady) for (String a : STEADY) if (!jvmArgs.contains(a)) cmd.add(a);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.mmsim.cli.Main"));
        cmd.addAll(mainArgs);
        return cmd;
    }

    private static final Pattern AOT_CACHE = Pattern.compile("-XX:AOTCache=(.*/)?mmsim-(x86_64|arm64)\\.aot");

    /** {@code jvmArg}, or the AOT cache option naming the cache of {@code target} if jvmArg names another one's. */
    static String aotCacheFor(String target, String jvmArg) {
        Matcher m = AOT_CACHE.matcher(jvmArg);
        if (!m.matches() || m.group(2).equals(target) || !(target.equals("x86_64") || target.equals("arm64"))) {
            return jvmArg;
        }
        String dir = m.group(1) == null ? "" : m.group(1);
        String other = dir + "mmsim-" + target + ".aot";
        return Files.isRegularFile(Path.of(other)) ? "-XX:AOTCache=" + other : jvmArg;
    }

    /**
     * Runs {@code Main mainArgs} in a JVM for {@code target} (see {@link #command}) and waits for it;
     * IllegalStateException if it cannot be started.
     */
    static Outcome run(String target, List<String> mainArgs) { return run(target, mainArgs, false); }

    /** As {@link #run(String, List)}, in a JVM set up for steady-state speed with {@code steady}. */
    static Outcome run(String target, List<String> mainArgs, boolean steady) {
        List<String> cmd = command(target, mainArgs, steady);
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            int rc = p.waitFor();
            long wall = System.nanoTime() - t0;
            return new Outcome(out, err.join(), rc, wall);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
