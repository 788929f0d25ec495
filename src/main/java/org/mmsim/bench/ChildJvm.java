package org.mmsim.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs {@code org.mmsim.cli.Main} with the given arguments in a fresh JVM: the same java, the same JVM options
 * (heap, AOT cache, ...; a flight recording, agent or log option of this JVM is not passed on) and the same class
 * path as this one, i.e. as the {@code mmsim} launcher started this JVM.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** What the child printed, its exit code and its wall time from start to exit. */
    record Outcome(String stdout, String stderr, int exitCode, long wallNs) { }

    /** The command line that runs {@code Main} with {@code mainArgs}. */
    static List<String> command(List<String> mainArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:StartFlightRecording") || a.startsWith("-agent") || a.startsWith("-Xlog")) continue;
            cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.mmsim.cli.Main"));
        cmd.addAll(mainArgs);
        return cmd;
    }

    /** Runs {@code Main mainArgs} and waits for it; IllegalStateException if it cannot be started. */
    static Outcome run(List<String> mainArgs) {
        List<String> cmd = command(mainArgs);
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
