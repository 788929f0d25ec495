package org.mmsim.host;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** When the host backend can be tested here; a test that cannot run is skipped with the reason printed. */
public final class HostTestSupport {
    private HostTestSupport() {}

    /** Skips unless the host backend can open (Linux, x86-64 or arm64, /proc/self/pagemap). */
    public static void assumeHost() {
        String why = null;
        if (!System.getProperty("os.name", "").equals("Linux")) why = "not Linux";
        else if (!Files.isReadable(Path.of("/proc/self/pagemap"))) why = "no /proc/self/pagemap";
        else if (!System.getProperty("os.arch", "").matches("amd64|x86_64|aarch64")) why = "not x86-64 or arm64";
        skipIf(why);
    }

    /** Skips unless, in addition, the THP sysfs knobs are writable (root) so scripts' set statements apply. */
    public static void assumeHostSettings() {
        assumeHost();
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        skipIf(!Files.isWritable(thp) ? "cannot write " + thp + " (needs root)" : null);
    }

    /** Skips unless swap can be switched on (root, swapon present). */
    public static void assumeSwap() {
        assumeHostSettings();
        skipIf(!Files.isExecutable(Path.of("/usr/sbin/swapon")) && !Files.isExecutable(Path.of("/sbin/swapon"))
                ? "no swapon binary" : null);
    }

    /**
     * Holds the machine-wide host-settings lock (as a {@code flock} process) so that no other mmsim run changes the
     * host's settings while a test compares them; close the returned process's stdin (or destroy it) to release.
     * A child JVM the test starts must then use another lock path ({@code -Dmmsim.host.lock=...}).
     */
    public static Process holdSettingsLock() throws java.io.IOException {
        Process p = new ProcessBuilder("flock", HostSettings.LOCK, "/bin/sh", "-c", "echo locked; cat >/dev/null")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] ack = p.getInputStream().readNBytes(7);
        if (!new String(ack).equals("locked\n")) throw new java.io.IOException("cannot take " + HostSettings.LOCK);
        return p;
    }

    /** Releases a lock taken by {@link #holdSettingsLock}. */
    public static void release(Process lock) throws Exception {
        lock.getOutputStream().close();
        lock.waitFor();
    }

    private static void skipIf(String why) {
        if (why != null) System.err.println("host backend test skipped: " + why);
        Assumptions.assumeTrue(why == null, () -> "host backend test skipped: " + why);
    }
}
