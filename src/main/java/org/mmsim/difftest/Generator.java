package org.mmsim.difftest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.mmsim.mm.Uapi;

/**
 * Random calls aimed where the kernel's edge cases are: addresses at VMA edges, PMD (2 MiB) and PUD (1 GiB)
 * boundaries and a few pages either side of them; lengths of single pages, mTHP sizes, PMD multiples and whole VMAs;
 * and now and then a bad argument (unaligned, zero, wrapping length, unknown flag or advice). Every call with a sane
 * length stays inside the window; the only lengths that reach past it wrap around the address space (start + len
 * overflows, or rounds up to 0), which every system call refuses before it looks at a VMA, and accesses are always
 * clipped to the window. A huge length that does not wrap (say 2^63) is never generated: madvise would walk every
 * VMA of the process above the window, on the host the JVM's own.
 *
 * <p>The generator looks at side A's layout before each call, so that most calls hit mapped memory; the calls are
 * recorded with concrete arguments, so a sequence replays without the generator.
 */
final class Generator {
    /** mTHP sizes the host offers on x86-64 and arm64 (order 2 to order 8) and the PMD size. */
    static final String[] MTHP_SIZES = {"16K", "32K", "64K", "128K", "256K", "512K", "1M", "2M"};
    private static final long[] FOLIO_LENGTHS = {16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20};
    private static final int[] PROTS = {
        Uapi.PROT_READ | Uapi.PROT_WRITE, Uapi.PROT_READ | Uapi.PROT_WRITE, Uapi.PROT_READ | Uapi.PROT_WRITE,
        Uapi.PROT_READ, Uapi.PROT_NONE, Uapi.PROT_WRITE, Uapi.PROT_READ | Uapi.PROT_EXEC,
        Uapi.PROT_READ | Uapi.PROT_WRITE | Uapi.PROT_EXEC};
    /** {@link #PROTS} and execute-only memory (x86-64 protection keys: not readable). */
    private static final int[] PROTS_EXEC_ONLY = with(PROTS, Uapi.PROT_EXEC);
    /** The advice the model implements; PAGEOUT, COLLAPSE, guard regions and memory failure are left out. */
    private static final int[] ADVICE = {
        Uapi.MADV_DONTNEED, Uapi.MADV_DONTNEED, Uapi.MADV_DONTNEED, Uapi.MADV_FREE, Uapi.MADV_HUGEPAGE,
        Uapi.MADV_HUGEPAGE, Uapi.MADV_NOHUGEPAGE, Uapi.MADV_POPULATE_READ, Uapi.MADV_POPULATE_WRITE,
        Uapi.MADV_POPULATE_WRITE, Uapi.MADV_NORMAL, Uapi.MADV_RANDOM, Uapi.MADV_SEQUENTIAL, Uapi.MADV_WILLNEED,
        Uapi.MADV_DONTNEED_LOCKED, Uapi.MADV_REMOVE, Uapi.MADV_DONTFORK, Uapi.MADV_DOFORK, Uapi.MADV_MERGEABLE,
        Uapi.MADV_UNMERGEABLE, Uapi.MADV_DONTDUMP, Uapi.MADV_DODUMP, Uapi.MADV_WIPEONFORK, Uapi.MADV_KEEPONFORK,
        Uapi.MADV_COLD};
    /** Advice numbers no kernel knows (EINVAL). */
    private static final int[] BAD_ADVICE = {5, 6, 7, 99, 104, -1};
    private static final int[] MREMAP_FLAGS = {
        0, Uapi.MREMAP_MAYMOVE, Uapi.MREMAP_MAYMOVE, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED,
        Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED,
        Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_DONTUNMAP, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED | Uapi.MREMAP_DONTUNMAP,
        Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_DONTUNMAP, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED | Uapi.MREMAP_DONTUNMAP,
        0, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED,
        Uapi.MREMAP_FIXED, Uapi.MREMAP_DONTUNMAP, Uapi.MREMAP_FIXED | Uapi.MREMAP_DONTUNMAP, 8};

    private final SplittableRandom rnd;
    private final Window w;
    private final boolean shared;
    private final boolean execOnly;
    private final int[] prots;
    private long[] layout = new long[0];

    /**
     * {@code shared}: also map MAP_SHARED anonymous memory (shmem); {@code execOnly}: also PROT_EXEC-only memory,
     * on a machine with protection keys (both sides must have them: the preamble sets {@code pku = 1}).
     */
    Generator(long seed, Window w, boolean shared, boolean execOnly) {
        this.rnd = new SplittableRandom(seed);
        this.w = w;
        this.shared = shared;
        this.execOnly = execOnly;
        this.prots = execOnly ? PROTS_EXEC_ONLY : PROTS;
    }

    private static int[] with(int[] a, int extra) {
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = extra;
        return b;
    }

    /**
     * The tunables a run starts with: protection keys if used, thp, then every mTHP size, each set explicitly; with
     * shared memory also the shmem knobs.
     */
    List<Op> preamble() {
        List<Op> out = new ArrayList<>();
        if (execOnly) out.add(new Op.Set("pku", "1"));
        out.add(new Op.Set("thp", pick("always", "madvise", "never", "madvise")));
        for (String size : MTHP_SIZES) {
            String v = size.equals("2M") ? pick("inherit", "inherit", "always", "madvise", "never")
                    : rnd.nextInt(3) == 0 ? pick("always", "madvise", "inherit") : "never";
            out.add(new Op.Set("mthp " + size, v));
        }
        if (shared) {
            // shared anonymous memory is shmem, whose folio sizes follow the shmem knobs
            out.add(new Op.Set("shmem_thp", pick("never", "never", "always", "within_size", "advise")));
            for (String size : MTHP_SIZES) {
                out.add(new Op.Set("shmem_mthp " + size, rnd.nextInt(3) == 0
                        ? pick("always", "within_size", "advise", "inherit") : "never"));
            }
        }
        return out;
    }

    /** The next call, aimed at side A's current window layout {start, end, prot}*. */
    Op next(long[] currentLayout) {
        this.layout = currentLayout;
        int r = rnd.nextInt(100);
        if (layout.length < 9 && rnd.nextBoolean()) return mmap();
        if (r < 18) return mmap();
        if (r < 26) return munmap();
        if (r < 38) return mremap();
        if (r < 47) return mprotect();
        if (r < 58) return madvise();
        if (r < 70) return memset();
        if (r < 77) return new Op.Poke(accessAddr(), rnd.nextInt(256));
        if (r < 85) return new Op.Peek(accessAddr());
        if (r < 91) {
            long a = accessAddr();
            return new Op.Pattern(a, accessLen(a), rnd.nextInt(1000));
        }
        if (r < 99) {
            long a = accessAddr();
            return new Op.Checksum(a, accessLen(a));
        }
        return midRunTunable();
    }

    private Op midRunTunable() {
        if (rnd.nextBoolean()) return new Op.Set("thp", pick("always", "madvise", "never"));
        return new Op.Set("mthp " + MTHP_SIZES[rnd.nextInt(MTHP_SIZES.length)], pick("always", "madvise", "never", "inherit"));
    }

    private Op mmap() {
        int kind = rnd.nextInt(100);
        long addr = kind < 8 ? 0 : addr();
        long len = len(addr);
        int flags = Uapi.MAP_ANONYMOUS | (rnd.nextInt(20) == 0 && shared ? Uapi.MAP_SHARED : Uapi.MAP_PRIVATE);
        if (kind >= 8 && kind < 50) flags |= Uapi.MAP_FIXED;
        else if (kind >= 50 && kind < 62) flags |= Uapi.MAP_FIXED_NOREPLACE;
        if (rnd.nextInt(10) == 0) flags |= Uapi.MAP_POPULATE;
        if (rnd.nextInt(20) == 0) flags |= Uapi.MAP_NORESERVE;
        if (rnd.nextInt(50) == 0) flags |= Uapi.MAP_LOCKED;
        if (rnd.nextInt(40) == 0) flags &= ~Uapi.MAP_TYPE; // no mapping type: EINVAL
        int prot = rnd.nextInt(40) == 0 ? prots[0] | 0x10 : prots[rnd.nextInt(prots.length)];
        long offset = rnd.nextInt(40) == 0 ? pick(4096L, 1L, 2L << 20) : 0;
        return new Op.Mmap(addr, len, prot, flags, offset);
    }

    private Op munmap() {
        long a = addr();
        return new Op.Munmap(a, len(a));
    }

    private Op mremap() {
        long old = addr();
        long oldLen = rnd.nextInt(25) == 0 ? 0 : len(old);
        int flags = MREMAP_FLAGS[rnd.nextInt(MREMAP_FLAGS.length)];
        long newLen;
        int shape = rnd.nextInt(4);
        // MREMAP_DONTUNMAP moves without resizing; a different new length is EINVAL, kept for 1 call in 8
        if (shape == 0 || (flags & Uapi.MREMAP_DONTUNMAP) != 0 && rnd.nextInt(8) != 0) newLen = oldLen;
        else newLen = len(old);
        long newAddr = 0;
        if ((flags & (Uapi.MREMAP_FIXED | Uapi.MREMAP_DONTUNMAP)) != 0 || rnd.nextInt(10) == 0) {
            newAddr = addr();
            if (sane(newLen) && newAddr + newLen > w.end()) newLen = Math.max(Window.PAGE, w.end() - newAddr) & -Window.PAGE;
        }
        // A non-fixed resize grows in place when the space after it is free: keep that inside the window too.
        if (sane(newLen) && old + newLen > w.end()) newLen = Math.max(Window.PAGE, w.end() - old) & -Window.PAGE;
        return new Op.Mremap(old, oldLen, newLen, flags, newAddr);
    }

    private Op mprotect() {
        long a = addr();
        int r = rnd.nextInt(60);
        int prot = r == 0 ? Uapi.PROT_READ | 0x10 : r == 1 ? Uapi.PROT_READ | Uapi.PROT_GROWSDOWN
                : prots[rnd.nextInt(prots.length)];
        return new Op.Mprotect(a, len(a), prot);
    }

    private Op madvise() {
        long a = addr();
        int advice = rnd.nextInt(30) == 0 ? BAD_ADVICE[rnd.nextInt(BAD_ADVICE.length)] : ADVICE[rnd.nextInt(ADVICE.length)];
        return new Op.Madvise(a, len(a), advice);
    }

    private Op memset() {
        long a = accessAddr();
        return new Op.Memset(a, rnd.nextInt(256), accessLen(a));
    }

    /** A system-call address: an edge of a VMA, a PMD or PUD boundary, or any page; rarely unaligned. */
    long addr() {
        long a;
        int r = rnd.nextInt(100);
        if (r < 30 && layout.length > 0) {
            int v = rnd.nextInt(layout.length / 3) * 3;
            a = layout[v + rnd.nextInt(2)] + delta();
        } else if (r < 50 && layout.length > 0) {
            int v = rnd.nextInt(layout.length / 3) * 3;
            a = layout[v] + rnd.nextLong((layout[v + 1] - layout[v]) / Window.PAGE) * Window.PAGE;
        } else if (r < 68) {
            a = w.base() + rnd.nextLong(w.size() / Window.PMD) * Window.PMD + delta();
        } else if (r < 78) {
            a = w.pud() + delta();
        } else {
            a = w.base() + rnd.nextLong(w.size() / Window.PAGE) * Window.PAGE;
        }
        a = Math.clamp(a, w.base(), w.end() - Window.PAGE);
        if (rnd.nextInt(40) == 0) a += 1 + rnd.nextInt(4095);
        return a;
    }

    /** 0 most often, else a few pages or one folio size either way. */
    private long delta() {
        int r = rnd.nextInt(10);
        if (r < 5) return 0;
        if (r < 8) return (rnd.nextInt(7) - 3) * Window.PAGE;
        long f = FOLIO_LENGTHS[rnd.nextInt(FOLIO_LENGTHS.length)];
        return rnd.nextBoolean() ? f : -f;
    }

    /** A system-call length from {@code addr}: small, folio-sized, PMD-sized, to a VMA edge, or a bad one. */
    long len(long addr) {
        long n;
        int r = rnd.nextInt(100);
        if (r < 20) n = (1 + rnd.nextInt(16)) * Window.PAGE;
        else if (r < 32) n = FOLIO_LENGTHS[rnd.nextInt(FOLIO_LENGTHS.length)] + (rnd.nextInt(4) == 0 ? (rnd.nextInt(3) - 1) * Window.PAGE : 0);
        else if (r < 48) n = pick(Window.PMD, Window.PMD, 2 * Window.PMD, Window.PMD - Window.PAGE, Window.PMD + Window.PAGE, 3 * Window.PMD);
        else if (r < 84) n = toEdge(addr);
        else if (r < 92) n = (1 + rnd.nextInt(1024)) * Window.PAGE;
        else if (r < 94) n = 0;
        else if (r < 97) n = (1 + rnd.nextInt(8)) * Window.PAGE + 1 + rnd.nextInt(4095);
        else return pick(-Window.PAGE, -1L, -(2 * Window.PMD)); // wrap: refused before any VMA is looked at
        if (n > 0 && addr + n > w.end()) n = Math.max(Window.PAGE, (w.end() - addr) & -Window.PAGE);
        return n;
    }

    /** From addr to the end (or start of a later edge) of a VMA of the layout; a PMD when there is none. */
    private long toEdge(long addr) {
        for (int v = 0; v < layout.length; v += 3) {
            long edge = layout[v + 1] > addr ? layout[v + 1] : -1;
            if (layout[v] > addr && rnd.nextBoolean()) edge = layout[v];
            if (edge > addr) return (edge - addr + Window.PAGE - 1) & -Window.PAGE;
        }
        return Window.PMD;
    }

    /** An access address: mostly inside a VMA, sometimes anywhere in the window. */
    private long accessAddr() {
        if (layout.length > 0 && rnd.nextInt(5) != 0) {
            int v = rnd.nextInt(layout.length / 3) * 3;
            long span = layout[v + 1] - layout[v];
            long off = rnd.nextInt(3) == 0 ? rnd.nextLong(span) : rnd.nextLong(Math.max(1, span / Window.PAGE)) * Window.PAGE;
            return Math.min(layout[v] + off, w.end() - 1);
        }
        return w.base() + rnd.nextLong(w.size());
    }

    /** An access length that stays inside the window: up to a few pages, a folio, or up to 2 MiB. */
    private long accessLen(long addr) {
        if (rnd.nextInt(10) < 6) {
            for (int v = 0; v < layout.length; v += 3) {
                if (addr >= layout[v] && addr < layout[v + 1]) return 1 + rnd.nextLong(Math.min(layout[v + 1] - addr, 4 * Window.PMD));
            }
        }
        long n = switch (rnd.nextInt(4)) {
            case 0 -> 1 + rnd.nextInt(100);
            case 1 -> (1 + rnd.nextInt(4)) * Window.PAGE;
            case 2 -> FOLIO_LENGTHS[rnd.nextInt(FOLIO_LENGTHS.length)];
            default -> 1 + rnd.nextLong(Window.PMD);
        };
        return Math.min(n, w.end() - addr);
    }

    private static boolean sane(long n) { return n > 0; }

    @SafeVarargs
    private <T> T pick(T... xs) { return xs[rnd.nextInt(xs.length)]; }
}
