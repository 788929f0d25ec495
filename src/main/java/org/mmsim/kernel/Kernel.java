package org.mmsim.kernel;

import java.util.List;

import org.mmsim.arch.Arch;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Fork;
import org.mmsim.mm.Mm;
import org.mmsim.mm.MmEnv;

/**
 * One simulated machine: an architecture, a feature set, the tunables, physical memory, the counters and the
 * address spaces of its processes. Single-threaded; independent machines may run in parallel.
 */
public final class Kernel {
    /** Default physical memory: 64 GiB (frames cost nothing until used; {@code set memory = 2T} raises it). */
    public static final long DEFAULT_PHYS_BYTES = 64L << 30;

    private final MmEnv env;

    public Kernel(Arch arch, FeatureSet features) {
        this.env = new MmEnv(arch, features, DEFAULT_PHYS_BYTES);
    }

    public MmEnv env() { return env; }

    public Arch arch() { return env.arch; }

    /** A new, empty address space (a new process). */
    public Mm newMm() { return new Mm(env); }

    /** fork(): a new address space copied from {@code parent} (copy-on-write, see {@link Fork}). */
    public Mm fork(Mm parent) {
        if (!env.mms().contains(parent)) throw new IllegalArgumentException("fork of an address space that has exited");
        return Fork.fork(parent);
    }

    /** Process exit: tears the address space down like munmap of everything and removes it from the machine. */
    public void exit(Mm mm) {
        if (!env.mms().contains(mm)) throw new IllegalArgumentException("address space has already exited");
        Fork.exit(mm);
    }

    /** All live address spaces, oldest first. */
    public List<Mm> mms() { return env.mms(); }

    /**
     * Sets a tunable, as a script's {@code set} does: everything {@link org.mmsim.mm.Tunables#set} knows, plus
     * {@code memory} (physical memory size in bytes), {@code swap} (a swap file of that many bytes) and
     * {@code swap partition} (a swap block device), {@code swap zram} (a synchronous block device); 0 or {@code none} removes the swap, which, as swapoff would need
     * everything swapped back in, is refused while in use.
     */
    public void set(String key, String value) {
        if (key.trim().equals("memory")) {
            long bytes;
            try {
                bytes = org.mmsim.mm.Tunables.parseNumber(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("memory needs a size in bytes, got '" + value + "'");
            }
            if (bytes < (8L << 20)) throw new IllegalArgumentException("memory must be at least 8M");
            env.phys.setBytes(bytes);
            return;
        }
        String k = key.trim();
        if (k.equals("swap") || k.equals("swap partition") || k.equals("swap zram")) {
            String v = value.trim();
            long bytes;
            if (v.equals("none") || v.equals("off")) {
                bytes = 0;
            } else {
                try {
                    bytes = org.mmsim.mm.Tunables.parseNumber(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(k + " needs a size in bytes (or 0 / none for no swap), got '" + value + "'");
                }
            }
            if (bytes < 0) throw new IllegalArgumentException("swap size must not be negative, got " + value);
            env.swap.setDevice(bytes, switch (k) {
                case "swap partition" -> org.mmsim.swap.SwapDevice.Kind.PARTITION;
                case "swap zram" -> org.mmsim.swap.SwapDevice.Kind.ZRAM;
                default -> org.mmsim.swap.SwapDevice.Kind.FILE;
            });
            return;
        }
        env.tunables.set(key, value);
    }
}
