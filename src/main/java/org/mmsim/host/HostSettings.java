package org.mmsim.host;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mmsim.mm.Tunables;

/**
 * The host's THP sysfs knobs and a temporary swapfile, changed for a script's {@code set} statements and put back
 * afterwards. Every original value is recorded before the first change, in this object and in a guardian: a
 * {@code /bin/sh} in its own session whose stdin is a pipe from the JVM. When the pipe closes, because
 * {@link #restore()} closed it or because the JVM died in any way (SIGKILL included), the guardian writes the
 * originals back, removes the swapfile and exits. {@link #restore()} (called by close and by a shutdown hook on
 * Ctrl-C or SIGTERM) restores from Java as well and waits for the guardian to finish.
 *
 * <p>The guardian runs under {@code flock} on {@link #LOCK} (system property {@code mmsim.host.lock} overrides the
 * path, for tests) from the opening of the backend until the originals are written back, so host runs on one
 * machine are serialised: none takes another's changed values for originals, none runs under another's settings.
 *
 * <p>Global sysctls are never changed: {@code set max_map_count} is refused (it is system-wide, and lowering it
 * has crashed other processes on this machine).
 */
final class HostSettings {
    /** The guardian: reads "sys PATH VALUE" and "swap PATH" lines until EOF, then undoes them newest first. */
    private static final String GUARDIAN = """
            trap '' INT TERM HUP
            echo locked
            todo=''
            while IFS= read -r line; do todo="$line
            $todo"; done
            printf '%s\\n' "$todo" | while read -r kind path value; do
              case "$kind" in
                sys) printf '%s' "$value" > "$path" 2>/dev/null ;;
                swap) swapoff "$path" 2>/dev/null; rm -f "$path" ;;
              esac
            done
            """;

    /** Serialises host-setting changes between mmsim processes; held by the guardian. */
    static final String LOCK = "/run/lock/mmsim-host-settings.lock";

    private final Path thpDir;
    private final Path swapDir;
    private final Map<Path, String> originals = new LinkedHashMap<>();
    private final List<Path> swapfiles = new ArrayList<>();
    private Process guardian;
    private OutputStream toGuardian;
    private Thread hook;
    private int swapSerial;

    /** Settings under {@code thpDir} (normally /sys/kernel/mm/transparent_hugepage), swapfiles in {@code swapDir}. */
    HostSettings(Path thpDir, Path swapDir) {
        this.thpDir = thpDir;
        this.swapDir = swapDir;
    }

    static HostSettings standard() {
        return new HostSettings(Path.of("/sys/kernel/mm/transparent_hugepage"), Path.of("/var/tmp"));
    }

    /**
     * Applies a script's {@code set key = value}. Unknown tunables and bad values throw IllegalArgumentException
     * with the same message as the sim backend; a setting the host does not allow throws {@link HostRefusal}.
     */
    synchronized void set(String key, String value) {
        String k = key.trim();
        String v = value.trim().toLowerCase();
        String what = "set " + k + " = " + value.trim();
        if (k.equals("swap")) {
            long size;
            try {
                size = v.equals("none") ? 0 : Tunables.parseNumber(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("swap needs a size such as 64M (or 0 / none), got '" + value + "'");
            }
            if (size < 0) throw new IllegalArgumentException("swap size must not be negative, got " + value);
            swap(size, what);
            return;
        }
        if (k.equals("shmem_thp")) {
            write(thpDir.resolve("shmem_enabled"), v, what);
            return;
        }
        if (k.startsWith("shmem_mthp")) {
            int order = Tunables.orderOfSize(k.substring(10).trim());
            write(thpDir.resolve("hugepages-" + (4 << order) + "kB").resolve("shmem_enabled"), v, what);
            return;
        }
        if (k.equals("memory")) {
            throw new HostRefusal("cannot apply '" + what + "' on the host: the host's physical memory is what it is "
                    + "(use the sim backend to model a smaller machine)", true);
        }
        if (k.equals("max_map_count")) {
            new Tunables().set(k, value);   // same validation as the sim first
            throw new HostRefusal("cannot apply '" + what + "' on the host: vm.max_map_count is a system-wide sysctl "
                    + "and the host backend never changes global sysctls (use the sim backend)", true);
        }
        new Tunables().set(k, value);       // unknown key or bad value: the sim's message
        Path file;
        if (k.equals("thp")) {
            file = thpDir.resolve("enabled");
        } else if (k.startsWith("mthp")) {
            int order = Tunables.orderOfSize(k.substring(4).trim());
            file = thpDir.resolve("hugepages-" + (4 << order) + "kB").resolve("enabled");
        } else if (k.equals("use_zero_page")) {
            file = thpDir.resolve("use_zero_page");
            v = Tunables.parseNumber(v) != 0 ? "1" : "0";
        } else {
            throw new IllegalArgumentException("unknown tunable '" + k + "'");
        }
        write(file, v, what);
    }

    /** The current value of a sysfs knob: the bracketed word of a choice list, else the trimmed text. */
    static String current(Path file) throws IOException {
        String s = Files.readString(file).trim();
        int a = s.indexOf('[');
        int b = s.indexOf(']');
        return a >= 0 && b > a ? s.substring(a + 1, b) : s;
    }

    private void write(Path file, String value, String what) {
        if (!Files.exists(file)) {
            throw new HostRefusal("cannot apply '" + what + "' on the host: " + file + " does not exist"
                    + " (this kernel has no such setting)", true);
        }
        try {
            if (!originals.containsKey(file)) {
                String orig = current(file);
                remember("sys " + file + " " + orig, what);
                originals.put(file, orig);
            }
            Files.writeString(file, value);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Invalid argument")) {
                throw new IllegalArgumentException("bad value '" + value + "' for " + what.substring(4,
                        what.indexOf(" = ")) + " (" + file + " refuses it)");
            }
            throw new HostRefusal("cannot apply '" + what + "' on the host: cannot write " + file + ": "
                    + reason(e) + " (needs root)", true);
        }
        try {
            if (!current(file).equals(value)) {
                throw new HostRefusal("cannot apply '" + what + "' on the host: " + file + " reads '"
                        + current(file) + "' after writing '" + value + "'", true);
            }
        } catch (IOException e) {
            throw new HostRefusal("cannot read back " + file + ": " + reason(e), true);
        }
    }

    private void swap(long size, String what) {
        removeSwapfiles();
        if (size == 0) return;
        Path file = swapDir.resolve("mmsim-swap-" + ProcessHandle.current().pid() + "-" + (++swapSerial));
        remember("swap " + file, what);
        swapfiles.add(file);
        run(what, "fallocate", "-l", Long.toString(size), file.toString());
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new HostRefusal("cannot apply '" + what + "': cannot chmod " + file + ": " + reason(e), true);
        }
        run(what, "mkswap", file.toString());
        run(what, "swapon", file.toString());
    }

    private void removeSwapfiles() {
        for (Path f : swapfiles) {
            runQuietly("swapoff", f.toString());
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // the guardian tries again
            }
        }
        swapfiles.clear();
    }

    private static void run(String what, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new HostRefusal("cannot apply '" + what + "' on the host: " + String.join(" ", cmd)
                        + " failed: " + out, true);
            }
        } catch (IOException e) {
            throw new HostRefusal("cannot apply '" + what + "' on the host: cannot run " + cmd[0] + ": " + reason(e), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostRefusal("interrupted while applying '" + what + "'", true);
        }
    }

    private static void runQuietly(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing more to do here; the guardian tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes the machine-wide settings lock for the whole run: starts the guardian, which holds it, and returns once
     * it does (waiting while another mmsim run on this machine has the host's settings changed), so that a run sees
     * only its own settings. Returns false if the guardian cannot be started; {@link #set} then refuses settings.
     */
    synchronized boolean lock() {
        try {
            startGuardian();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void startGuardian() throws IOException {
        if (guardian != null) return;
        String lock = System.getProperty("mmsim.host.lock", LOCK);
        guardian = new ProcessBuilder("setsid", "flock", lock, "/bin/sh", "-c", GUARDIAN)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        toGuardian = guardian.getOutputStream();
        // wait until the guardian holds the lock (another mmsim run may be restoring its settings)
        byte[] ack = guardian.getInputStream().readNBytes(7);
        if (!new String(ack, StandardCharsets.UTF_8).equals("locked\n")) {
            guardian.destroy();
            guardian = null;
            throw new IOException("the guardian (setsid flock " + lock + " /bin/sh) did not start");
        }
        hook = new Thread(this::restore, "mmsim-host-restore");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Tells the guardian what to undo; refuses the setting if it cannot be told. */
    private void remember(String line, String what) {
        try {
            startGuardian();
            toGuardian.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            toGuardian.flush();
        } catch (IOException e) {
            throw new HostRefusal("cannot apply '" + what + "' on the host: cannot start the guardian that restores "
                    + "settings if mmsim dies: " + reason(e), true);
        }
    }

    /** True while some setting is changed from its original. */
    synchronized boolean changed() { return !originals.isEmpty() || !swapfiles.isEmpty(); }

    /**
     * Puts every changed setting back (newest first), removes the swapfile, and lets the guardian finish. Safe to
     * call more than once and from the shutdown hook.
     */
    synchronized void restore() {
        removeSwapfiles();
        List<Map.Entry<Path, String>> list = new ArrayList<>(originals.entrySet());
        for (int i = list.size() - 1; i >= 0; i--) {
            try {
                Files.writeString(list.get(i).getKey(), list.get(i).getValue());
            } catch (IOException ignored) {
                // the guardian writes it again
            }
        }
        originals.clear();
        if (guardian != null) {
            try {
                toGuardian.close();
                guardian.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // closing failed: the guardian still sees EOF when the JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            guardian = null;
            if (hook != null && Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting; the hook runs and finds nothing to do
                }
            }
            hook = null;
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        return m != null ? m : e.getClass().getSimpleName();
    }
}
