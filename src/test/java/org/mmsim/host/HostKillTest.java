package org.mmsim.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A run on the host backend killed with SIGKILL halfway leaves the host exactly as it found it: every THP sysfs
 * knob the backend can write and the swap state (/proc/swaps) equal their values before the run. The run is a
 * child JVM ({@code org.mmsim.cli.Main run ... --backend host}) that changes thp, mthp 64K, use_zero_page and
 * swap, then loops; it is killed once all of them are visibly applied. SIGTERM (the shutdown hook) is tested too.
 */
class HostKillTest {
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage");

    /** Every knob HostSettings may write (enabled, defrag, shmem_enabled, use_zero_page, per-size enabled) and swap. */
    static Map<String, String> hostState() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(THP, 2)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith("enabled") || name.equals("defrag") || name.equals("use_zero_page")) {
                    m.put(THP.relativize(p).toString(), Files.readString(p).trim());
                }
            }
        }
        // swapfiles of mmsim runs (other swap devices are none of the host backend's business)
        m.put("/proc/swaps", Files.readString(Path.of("/proc/swaps")).lines().filter(l -> l.contains("mmsim-swap-")).toList().toString());
        return m;
    }

    @Test
    void settingsAreIdenticalAfterARunKilledHalfway() throws Exception {
        HostTestSupport.assumeSwap();
        Process lock = HostTestSupport.holdSettingsLock();
        try {
            killHalfway(true);
        } finally {
            HostTestSupport.release(lock);
        }
    }

    /** SIGTERM (as Ctrl-C) runs the shutdown hook, which restores before the JVM exits. */
    @Test
    void settingsAreIdenticalAfterARunTerminatedHalfway() throws Exception {
        HostTestSupport.assumeSwap();
        Process lock = HostTestSupport.holdSettingsLock();
        try {
            killHalfway(false);
        } finally {
            HostTestSupport.release(lock);
        }
    }

    /** The child JVM's command: the classpath of this test, the settings lock on a private path (this test holds the real one). */
    private static java.util.List<String> childJvm(Path dir, String mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dmmsim.host.lock=" + dir.resolve("lock"), "-cp", System.getProperty("java.class.path"), mainClass));
    }

    /** Forked children of a killed JVM exit (their command pipe reaches EOF) and the settings come back. */
    @Test
    void forkedChildrenGoAwayWithAKilledJvm() throws Exception {
        HostTestSupport.assumeHostSettings();
        org.junit.jupiter.api.Assumptions.assumeTrue(Child.supported(), "fork stub is x86-64 only");
        Process lock = HostTestSupport.holdSettingsLock();
        Path dir = Files.createTempDirectory("mmsim-kill");
        try {
            forkedChildrenGoAway(dir);
        } finally {
            HostTestSupport.release(lock);
            Files.deleteIfExists(dir.resolve("lock"));
            Files.delete(dir);
        }
    }

    private static void forkedChildrenGoAway(Path dir) throws Exception {
        Map<String, String> before = hostState();
        String thp = HostSettings.current(THP.resolve("enabled")).equals("always") ? "never" : "always";
        var cmd = childJvm(dir, ForkAndWait.class.getName());
        cmd.add(thp);
        Process jvm = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String[] dirs;
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream())).readLine();
            assertTrue(line != null, "the JVM printed its children");
            dirs = line.split(" ");
            for (String d : dirs) assertTrue(Files.exists(Path.of(d)), d + " is running");
            assertEquals(thp, HostSettings.current(THP.resolve("enabled")));
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && (Stream.of(dirs).anyMatch(d -> Files.exists(Path.of(d)))
                || !hostState().equals(before))) {
            Thread.sleep(50);
        }
        for (String d : dirs) assertTrue(!Files.exists(Path.of(d)), d + " exited with its JVM");
        assertEquals(before, hostState());
    }

    private static void killHalfway(boolean sigkill) throws Exception {
        Map<String, String> before = hostState();
        String thpNow = HostSettings.current(THP.resolve("enabled"));
        String thp = thpNow.equals("always") ? "never" : "always";
        String m64 = HostSettings.current(THP.resolve("hugepages-64kB/enabled")).equals("always") ? "never" : "always";
        Path dir = Files.createTempDirectory("mmsim-kill");
        Path script = dir.resolve("loop.mms");
        Files.writeString(script, String.join("\n",
                "set thp = " + thp,
                "set mthp 64K = " + m64,
                "set use_zero_page = 0",
                "set swap = 16M",
                "p = mmap(1G, 16M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)",
                "repeat 100000000 {",
                "  memset(p, 1, 16M)",
                "  expect madvise(p, 16M, MADV_DONTNEED) == 0",
                "}", ""));
        Path log = dir.resolve("child.log");
        var cmd = childJvm(dir, "org.mmsim.cli.Main");
        cmd.addAll(List.of("run", script.toString(), "--backend", "host"));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String swapName = "mmsim-swap-" + child.pid() + "-";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(Path.of("/proc/swaps")).contains(swapName)) {
                if (!child.isAlive()) fail("the child ended before applying its settings:\n" + Files.readString(log));
                if (System.nanoTime() > deadline) fail("the child did not apply its settings in 60 s:\n" + Files.readString(log));
                Thread.sleep(20);
            }
            Thread.sleep(300);                                   // halfway: inside the loop
            Map<String, String> during = hostState();
            assertNotEquals(before, during, "the run changed the host");
            assertTrue(HostSettings.current(THP.resolve("enabled")).equals(thp));
            assertTrue(child.isAlive(), "still running when killed");
        } finally {
            if (sigkill) child.destroyForcibly();                 // SIGKILL: no shutdown hook runs
            else child.destroy();                                 // SIGTERM
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(sigkill ? 137 : 143, child.exitValue(), "killed by the signal");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, String> after = hostState();
        while (!after.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = hostState();
        }
        assertEquals(before, after, "every THP knob and the swap state are back");
        try (Stream<Path> left = Files.list(Path.of("/var/tmp"))) {
            List<Path> files = left.filter(p -> p.getFileName().toString().startsWith("mmsim-swap-" + child.pid() + "-")).toList();
            assertEquals(List.of(), files, "the swapfile is removed");
        }
        Files.delete(log);
        Files.delete(script);
        Files.deleteIfExists(dir.resolve("lock"));
        Files.delete(dir);
    }
}
