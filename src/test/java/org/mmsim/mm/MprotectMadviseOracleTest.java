package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mmsim.mm.Uapi.*;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;
import org.mmsim.workload.SimBackend;

/**
 * The mprotect and madvise rows of docs/kernel-oracle.md (live Linux 6.18 x86-64), replayed on the model: same
 * setup and call; the model must give the same return value or errno and the same observable result, written as
 * the probe wrote it: the VMAs of the region ({@code [start-end perms flags]}, offsets from R, with the VmFlags
 * codes ac, dc, dd, hg, nh, rr, sr, wf where they matter) and the residency of the pages the probe printed (P
 * present, Z the zero page, . nothing).
 *
 * <p>Rows left out: those on file mappings and shared anonymous memory that is read (the model has no files, and
 * shmem faults belong to the shared-memory work), MADV_COLLAPSE and MADV_GUARD_INSTALL (not modelled: the model
 * stops, {@link MadviseTest#theAdviceValuesAcceptedAreThoseOfTheLiveKernel}), and the map-count table
 * ({@link MapCountHeadroomTest}).
 */
class MprotectMadviseOracleTest {
    static final long R = 1L << 30;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PA = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    static final long TS = 0x800000000000L;

    /** A probe row: setup, the call, the return ("0", "R+0x..", or an errno name) and the observation. */
    record Row(String id, Consumer<SimBackend> setup, ToLongFunction<SimBackend> call, String ret,
            ToStr observe, String expected) {
        @Override public String toString() { return id; }
    }

    interface ToStr { String of(SimBackend b); }

    static void map(SimBackend b, long off, long len, int prot, int flags, char tag) {
        assertEquals(R + off, b.mmap(R + off, len, prot, PA | flags, -1, 0));
        if (tag != 0) b.memset(R + off, tag, len);
    }

    /** mprotect's default: [0,0x10000) RW anonymous, the rest of the 0x20000 region PROT_NONE. */
    static void mpDefault(SimBackend b) {
        map(b, 0, 0x20000, PROT_NONE, 0, (char) 0);
        map(b, 0, 0x10000, RW, 0, (char) 0);
    }

    /** A = [0,0x4000), hole [0x4000,0x8000), B = [0x8000,0xc000), nothing after; written with 'a' or untouched. */
    static Consumer<SimBackend> ab(boolean written) {
        return b -> {
            map(b, 0, 0x4000, RW, 0, written ? 'a' : 0);
            map(b, 0x8000, 0x4000, RW, 0, written ? 'a' : 0);
        };
    }

    static String layout(SimBackend b, long len, boolean flags) {
        StringJoiner j = new StringJoiner("; ");
        for (Vma v : b.mm().intersecting(R, R + len)) {
            int prot = v.prot();
            StringBuilder s = new StringBuilder("[0x" + Long.toHexString(v.start() - R) + "-0x"
                    + Long.toHexString(v.end() - R) + " " + ((prot & PROT_READ) != 0 ? "r" : "-")
                    + ((prot & PROT_WRITE) != 0 ? "w" : "-") + ((prot & PROT_EXEC) != 0 ? "x" : "-")
                    + (v.isShared() ? "s" : "p"));
            if (flags) {
                long f = v.flags();
                String[] codes = {"ac", "dc", "dd", "hg", "nh", "rr", "sr", "wf"};
                long[] bits = {VmFlags.VM_ACCOUNT, VmFlags.VM_DONTCOPY, VmFlags.VM_DONTDUMP, VmFlags.VM_HUGEPAGE,
                    VmFlags.VM_NOHUGEPAGE, VmFlags.VM_RAND_READ, VmFlags.VM_SEQ_READ, VmFlags.VM_WIPEONFORK};
                for (int i = 0; i < codes.length; i++) if ((f & bits[i]) != 0) s.append(' ').append(codes[i]);
            }
            j.add(s.append(']').toString());
        }
        return j.toString();
    }

    static ToStr layout(long len, boolean flags) { return b -> layout(b, len, flags); }

    /** Run-length residency of [R+off, R+off+len) as the probe printed it: P, Z (zero page), '.', runs "Px4". */
    static String residency(SimBackend b, long off, long len) {
        StringJoiner j = new StringJoiner(" ");
        char cur = 0;
        int n = 0;
        for (long a = R + off; a < R + off + len; a += 4096) {
            long[] t = b.mm().pageTables().pteTable(a, false);
            long pte = t == null ? 0 : t[PageTables.pteIndex(a)];
            Arch arch = b.kernel().env().arch;
            char c = !arch.ptePresent(pte) ? '.' : arch.ptePfn(pte) == PhysMem.ZERO_PFN ? 'Z' : 'P';
            if (c != cur && n > 0) {
                j.add(n == 1 ? "" + cur : cur + "x" + n);
                n = 0;
            }
            cur = c;
            n++;
        }
        if (n > 0) j.add(n == 1 ? "" + cur : cur + "x" + n);
        return j.toString();
    }

    /** "A <residency> B <residency>" for the A/B layouts. */
    static final ToStr AB = b -> layout(b, 0x10000, true) + "; A " + residency(b, 0, 0x4000) + " B "
            + residency(b, 0x8000, 0x4000);
    static final ToStr NOTHING = b -> "";

    static List<Row> rows() {
        List<Row> r = new ArrayList<>();
        Consumer<SimBackend> mp = MprotectMadviseOracleTest::mpDefault;
        String mp0 = "[0x0-0x10000 rw-p]; [0x10000-0x20000 ---p]";
        ToStr mpl = layout(0x20000, false);
        // ---- mprotect: validation (do_mprotect_pkey) ----
        r.add(new Row("mprotect-unaligned", mp, b -> b.mprotect(R + 0x10, 0x1000, PROT_READ), "EINVAL", mpl, mp0));
        r.add(new Row("mprotect-len0", mp, b -> b.mprotect(R, 0, PROT_READ), "0", mpl, mp0));
        r.add(new Row("mprotect-len0-unaligned", mp, b -> b.mprotect(R + 0x10, 0, PROT_READ), "EINVAL", mpl, mp0));
        r.add(new Row("mprotect-len0-badprot", mp, b -> b.mprotect(R, 0, 0x10), "0", mpl, mp0));
        r.add(new Row("mprotect-len0-above-tasksize", mp, b -> b.mprotect(TS, 0, PROT_READ), "0", mpl, mp0));
        r.add(new Row("mprotect-len1", mp, b -> b.mprotect(R, 1, PROT_READ), "0", mpl,
                "[0x0-0x1000 r--p]; [0x1000-0x10000 rw-p]; [0x10000-0x20000 ---p]"));
        int[] protBits = {PROT_SEM, 0x10, 0x20, 0x40, 0x100, 0x80000000};
        for (int i = 0; i < protBits.length; i++) {
            final int bit = protBits[i];
            r.add(new Row("mprotect-prot-" + i, mp, b -> b.mprotect(R + 0x8000, 0x1000, RW | bit), i == 0 ? "0" : "EINVAL",
                    mpl, mp0));
        }
        r.add(new Row("mprotect-prot-6", mp, b -> b.mprotect(R + 0x8000, 0x1000, PROT_READ | PROT_GROWSDOWN), "EINVAL", mpl, mp0));
        r.add(new Row("mprotect-prot-7", mp, b -> b.mprotect(R + 0x8000, 0x1000, PROT_READ | PROT_GROWSUP), "EINVAL", mpl, mp0));
        r.add(new Row("mprotect-prot-8", mp, b -> b.mprotect(R + 0x8000, 0x1000, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),
                "EINVAL", mpl, mp0));
        r.add(new Row("mprotect-prot-9", mp, b -> b.mprotect(R + 0x8000, 0x1000, PROT_READ | PROT_GROWSDOWN | 0x10),
                "EINVAL", mpl, mp0));
        r.add(new Row("mprotect-overflow", mp, b -> b.mprotect(R, 0xfffffffffffff000L, PROT_READ), "ENOMEM", mpl, mp0));
        r.add(new Row("mprotect-len--1", mp, b -> b.mprotect(R, -1L, PROT_READ), "ENOMEM", mpl, mp0));
        r.add(new Row("mprotect-above-tasksize", mp, b -> b.mprotect(TS, 0x1000, PROT_READ), "ENOMEM", mpl, mp0));
        r.add(new Row("mprotect-cross-tasksize", mp, b -> b.mprotect(0x7fffffffe000L, 0x2000, PROT_READ), "ENOMEM", mpl, mp0));
        // ---- mprotect: GROWSDOWN ----
        Consumer<SimBackend> gd = b -> {
            map(b, 0, 0x20000, PROT_NONE, 0, (char) 0);
            map(b, 0x8000, 0x8000, RW, MAP_GROWSDOWN, (char) 0);
        };
        String gdDone = "[0x0-0x8000 ---p]; [0x8000-0xd000 r--p]; [0xd000-0x10000 rw-p]; [0x10000-0x20000 ---p]";
        r.add(new Row("mprotect-growsdown-ok", gd, b -> b.mprotect(R + 0xc000, 0x1000, PROT_READ | PROT_GROWSDOWN), "0",
                mpl, gdDone));
        Consumer<SimBackend> gdDoneSetup = gd.andThen(b -> b.mprotect(R + 0xc000, 0x1000, PROT_READ | PROT_GROWSDOWN));
        r.add(new Row("mprotect-growsdown-notgd", gdDoneSetup, b -> b.mprotect(R + 0x14000, 0x1000, PROT_READ | PROT_GROWSDOWN),
                "EINVAL", mpl, gdDone));
        r.add(new Row("mprotect-growsup-on-gd", gdDoneSetup, b -> b.mprotect(R + 0xc000, 0x1000, PROT_READ | PROT_GROWSUP),
                "EINVAL", mpl, gdDone));
        // ---- mprotect: holes (A, B written) ----
        ToStr abl = layout(0x10000, false);
        r.add(new Row("mprotect-hole-at-start", ab(true), b -> b.mprotect(R + 0x4000, 0x8000, PROT_READ), "ENOMEM", abl,
                "[0x0-0x4000 rw-p]; [0x8000-0xc000 rw-p]"));
        r.add(new Row("mprotect-hole-in-middle", ab(true), b -> b.mprotect(R, 0xc000, PROT_READ), "ENOMEM", abl,
                "[0x0-0x4000 r--p]; [0x8000-0xc000 rw-p]"));
        r.add(new Row("mprotect-hole-at-end", ab(true), b -> b.mprotect(R + 0x8000, 0x8000, PROT_READ), "ENOMEM", abl,
                "[0x0-0x4000 rw-p]; [0x8000-0xc000 r--p]"));
        r.add(new Row("mprotect-partial-A-hole-partial-B", ab(true), b -> b.mprotect(R + 0x2000, 0x8000, PROT_READ), "ENOMEM",
                abl, "[0x0-0x2000 rw-p]; [0x2000-0x4000 r--p]; [0x8000-0xc000 rw-p]"));
        r.add(new Row("mprotect-holes-middle-and-end", ab(true), b -> b.mprotect(R, 0x10000, PROT_READ), "ENOMEM", abl,
                "[0x0-0x4000 r--p]; [0x8000-0xc000 rw-p]"));
        r.add(new Row("mprotect-untouched-hole-at-end", b -> map(b, 0, 0xc000, RW, 0, (char) 0),
                b -> b.mprotect(R + 0x8000, 0x8000, PROT_READ), "ENOMEM", layout(0x10000, true),
                "[0x0-0x8000 rw-p ac]; [0x8000-0xc000 r--p]"));
        // ---- mprotect: split and merge, a sequence on one VMA (untouched, then written) ----
        for (boolean written : new boolean[] {false, true}) {
            String w = written ? "written" : "untouched";
            List<ToLongFunction<SimBackend>> seq = List.of(
                    b -> b.mprotect(R + 0x4000, 0x4000, PROT_READ),
                    b -> b.mprotect(R + 0x4000, 0x4000, RW),
                    b -> b.mprotect(R + 0x4000, 0x2000, PROT_READ) + b.mprotect(R + 0x6000, 0x2000, PROT_READ),
                    b -> b.mprotect(R + 0x5000, 0x2000, RW),
                    b -> b.mprotect(R, 0x10000, RW),
                    b -> b.mprotect(R, 0x4000, PROT_READ),
                    b -> b.mprotect(R + 0xc000, 0x4000, PROT_READ),
                    b -> b.mprotect(R, 0x10000, RW));
            String[] names = {"split-middle", "merge-back", "adjacent-pieces", "middle-of-piece", "whole", "head", "tail",
                "whole-again"};
            String[] expected = {
                "[0x0-0x4000 rw-p ac]; [0x4000-0x8000 r--p" + (written ? " ac" : "") + "]; [0x8000-0x10000 rw-p ac]",
                "[0x0-0x10000 rw-p ac]",
                "[0x0-0x4000 rw-p ac]; [0x4000-0x8000 r--p" + (written ? " ac" : "") + "]; [0x8000-0x10000 rw-p ac]",
                "[0x0-0x4000 rw-p ac]; [0x4000-0x5000 r--p" + (written ? " ac" : "") + "]; [0x5000-0x7000 rw-p ac]; "
                        + "[0x7000-0x8000 r--p" + (written ? " ac" : "") + "]; [0x8000-0x10000 rw-p ac]",
                "[0x0-0x10000 rw-p ac]",
                "[0x0-0x4000 r--p" + (written ? " ac" : "") + "]; [0x4000-0x10000 rw-p ac]",
                "[0x0-0x4000 r--p" + (written ? " ac" : "") + "]; [0x4000-0xc000 rw-p ac]; [0xc000-0x10000 r--p"
                        + (written ? " ac" : "") + "]",
                "[0x0-0x10000 rw-p ac]"};
            for (int i = 0; i < seq.size(); i++) {
                final int upTo = i;
                Consumer<SimBackend> setup = b -> {
                    map(b, 0, 0x10000, RW, 0, written ? 'a' : 0);
                    for (int k = 0; k < upTo; k++) assertEquals(0, seq.get(k).applyAsLong(b));
                };
                r.add(new Row("mprotect-" + names[i] + "-" + w, setup, seq.get(i), "0", layout(0x10000, true), expected[i]));
            }
        }
        // ---- mprotect: PROT_NONE region made writable piece by piece, VM_ACCOUNT and merging ----
        Consumer<SimBackend> none = b -> map(b, 0, 0x20000, PROT_NONE, 0, (char) 0);
        ToStr nl = layout(0x20000, true);
        r.add(new Row("mprotect-none-to-rw-1", none, b -> b.mprotect(R, 0x4000, RW), "0", nl,
                "[0x0-0x4000 rw-p ac]; [0x4000-0x20000 ---p]"));
        r.add(new Row("mprotect-none-to-rw-2", none.andThen(b -> b.mprotect(R, 0x4000, RW)), b -> b.mprotect(R + 0x4000, 0x4000, RW),
                "0", nl, "[0x0-0x8000 rw-p ac]; [0x8000-0x20000 ---p]"));
        r.add(new Row("mprotect-rw-piece-then-mmap-rw", none.andThen(b -> b.mprotect(R, 0x4000, RW)),
                b -> b.mmap(R + 0x4000, 0x4000, RW, PA, -1, 0), "R+0x4000", nl, "[0x0-0x8000 rw-p ac]; [0x8000-0x20000 ---p]"));
        for (boolean written : new boolean[] {false, true}) {
            r.add(new Row("mprotect-rw-to-ro-next-to-ro" + (written ? "-written" : ""), none.andThen(b -> {
                map(b, 0, 0x4000, RW, 0, written ? 'a' : 0);
                map(b, 0x4000, 0x4000, PROT_READ, 0, (char) 0);
            }), b -> b.mprotect(R, 0x4000, PROT_READ), "0", nl, written
                    ? "[0x0-0x4000 r--p ac]; [0x4000-0x8000 r--p]; [0x8000-0x20000 ---p]"
                    : "[0x0-0x8000 r--p]; [0x8000-0x20000 ---p]"));
        }

        // ---- madvise: arguments (madvise_should_skip), scratch [0,0x1000) RW written ----
        Consumer<SimBackend> scratch = b -> map(b, 0, 0x1000, RW, 0, 'a');
        r.add(new Row("madvise-len0-unknown", scratch, b -> b.madvise(R, 0, 999), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-unaligned", scratch, b -> b.madvise(R + 0x10, 0x1000, MADV_DONTNEED), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-unaligned-len0", scratch, b -> b.madvise(R + 0x10, 0, MADV_DONTNEED), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-len0", scratch, b -> b.madvise(R, 0, MADV_DONTNEED), "0", NOTHING, ""));
        r.add(new Row("madvise-len0-above-tasksize", scratch, b -> b.madvise(TS, 0, MADV_DONTNEED), "0", NOTHING, ""));
        r.add(new Row("madvise-len--1", scratch, b -> b.madvise(R, -1L, MADV_DONTNEED), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-overflow", scratch, b -> b.madvise(R, 0xfffffffffffff000L, MADV_DONTNEED), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-overflow-normal", scratch, b -> b.madvise(R, 0xfffffffffffff000L, MADV_NORMAL), "EINVAL",
                NOTHING, ""));
        r.add(new Row("madvise-len1", scratch, b -> b.madvise(R, 1, MADV_DONTNEED), "0", b -> residency(b, 0, 0x1000), "."));
        r.add(new Row("madvise-above-tasksize", scratch, b -> b.madvise(TS, 0x1000, MADV_DONTNEED), "ENOMEM", NOTHING, ""));
        r.add(new Row("madvise-cross-tasksize", scratch, b -> b.madvise(0x7fffffffe000L, 0x2000, MADV_DONTNEED), "ENOMEM",
                NOTHING, ""));
        int[] unmapped = {MADV_DONTNEED, MADV_NORMAL, MADV_WILLNEED, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_DONTFORK, MADV_FREE};
        for (int adv : unmapped) {
            r.add(new Row("madvise-unmapped-" + adv, scratch, b -> b.madvise(R + 0x1000, 0x4000, adv), "ENOMEM", NOTHING, ""));
        }
        // ---- madvise: holes (madvise_walk_vmas; POPULATE stops at the hole) ----
        Object[][] mid = {
            {MADV_DONTNEED, true, "", "", ".x4", ".x4"}, {MADV_FREE, true, "", "", "Px4", "Px4"},
            {MADV_NORMAL, true, "", "", "Px4", "Px4"}, {MADV_RANDOM, true, " rr", " rr", "Px4", "Px4"},
            {MADV_DONTFORK, true, " dc", " dc", "Px4", "Px4"}, {MADV_HUGEPAGE, true, " hg", " hg", "Px4", "Px4"},
            {MADV_WIPEONFORK, true, " wf", " wf", "Px4", "Px4"}, {MADV_PAGEOUT, true, "", "", "Px4", "Px4"},
            {MADV_COLD, true, "", "", "Px4", "Px4"}, {MADV_WILLNEED, true, "", "", "Px4", "Px4"},
            {MADV_POPULATE_READ, false, "", "", "Zx4", ".x4"}, {MADV_POPULATE_WRITE, false, "", "", "Px4", ".x4"},
            {MADV_DONTDUMP, true, " dd", " dd", "Px4", "Px4"}};
        for (Object[] m : mid) {
            int adv = (Integer) m[0];
            r.add(new Row("madvise-hole-mid-" + adv, ab((Boolean) m[1]), b -> b.madvise(R, 0xc000, adv), "ENOMEM", AB,
                    "[0x0-0x4000 rw-p ac" + m[2] + "]; [0x8000-0xc000 rw-p ac" + m[3] + "]; A " + m[4] + " B " + m[5]));
        }
        Object[][] start = {
            {MADV_DONTNEED, true, "", "Px4", ".x4"}, {MADV_DONTFORK, true, " dc", "Px4", "Px4"},
            {MADV_PAGEOUT, true, "", "Px4", "Px4"}, {MADV_POPULATE_READ, false, "", ".x4", ".x4"},
            {MADV_POPULATE_WRITE, false, "", ".x4", ".x4"}};
        for (Object[] m : start) {
            int adv = (Integer) m[0];
            r.add(new Row("madvise-hole-start-" + adv, ab((Boolean) m[1]), b -> b.madvise(R + 0x4000, 0x8000, adv), "ENOMEM",
                    AB, "[0x0-0x4000 rw-p ac]; [0x8000-0xc000 rw-p ac" + m[2] + "]; A " + m[3] + " B " + m[4]));
        }
        Object[][] end = {
            {MADV_DONTNEED, true, "", "Px4", ".x4"}, {MADV_DONTFORK, true, " dc", "Px4", "Px4"},
            {MADV_PAGEOUT, true, "", "Px4", "Px4"}, {MADV_POPULATE_READ, false, "", ".x4", "Zx4"},
            {MADV_POPULATE_WRITE, false, "", ".x4", "Px4"}};
        for (Object[] m : end) {
            int adv = (Integer) m[0];
            r.add(new Row("madvise-hole-end-" + adv, ab((Boolean) m[1]), b -> b.madvise(R + 0x8000, 0x8000, adv), "ENOMEM",
                    AB, "[0x0-0x4000 rw-p ac]; [0x8000-0xc000 rw-p ac" + m[2] + "]; A " + m[3] + " B " + m[4]));
        }
        // ---- madvise: POPULATE_* protection rules (madvise_populate -> check_vma_flags) ----
        int[][] pop = {{PROT_READ, MADV_POPULATE_WRITE}, {PROT_READ, MADV_POPULATE_READ}, {PROT_NONE, MADV_POPULATE_READ},
            {PROT_NONE, MADV_POPULATE_WRITE}, {PROT_WRITE, MADV_POPULATE_READ}, {PROT_EXEC, MADV_POPULATE_READ}};
        String[] popRes = {"EINVAL", "0", "EINVAL", "EINVAL", "EINVAL", "EINVAL"};
        for (int i = 0; i < pop.length; i++) {
            final int[] p = pop[i];
            r.add(new Row("madvise-populate-" + i, b -> map(b, 0, 0x4000, p[0], 0, (char) 0), b -> b.madvise(R, 0x4000, p[1]),
                    popRes[i], b -> residency(b, 0, 0x4000), i == 1 ? "Zx4" : ".x4"));
        }
        r.add(new Row("madvise-populate-write-rw-then-ro", b -> {
            map(b, 0, 0x2000, RW, 0, (char) 0);
            map(b, 0x2000, 0x2000, PROT_READ, 0, (char) 0);
        }, b -> b.madvise(R, 0x4000, MADV_POPULATE_WRITE), "EINVAL", b -> residency(b, 0, 0x4000), "Px2 .x2"));
        // ---- madvise: page advice ----
        Consumer<SimBackend> w8 = b -> map(b, 0, 0x8000, RW, 0, 'a');
        ToStr r8 = b -> residency(b, 0, 0x8000);
        r.add(new Row("madvise-pageout-dirty-noswap", w8, b -> b.madvise(R, 0x8000, MADV_PAGEOUT), "0", r8, "Px8"));
        r.add(new Row("madvise-free", w8, b -> b.madvise(R, 0x8000, MADV_FREE), "0",
                b -> residency(b, 0, 0x8000) + " " + (char) b.peek(R + 0x3000), "Px8 a"));
        r.add(new Row("madvise-dontneed", w8, b -> b.madvise(R + 0x2000, 0x4000, MADV_DONTNEED), "0",
                b -> layout(b, 0x8000, false) + " " + residency(b, 0, 0x8000), "[0x0-0x8000 rw-p] Px2 .x4 Px2"));
        Consumer<SimBackend> locked = b -> map(b, 0, 0x8000, RW, MAP_LOCKED, (char) 0);
        r.add(new Row("madvise-dontneed-locked", locked, b -> b.madvise(R, 0x8000, MADV_DONTNEED), "EINVAL", r8, "Px8"));
        r.add(new Row("madvise-dontneed_locked-locked", locked, b -> b.madvise(R, 0x8000, MADV_DONTNEED_LOCKED), "0", r8, ".x8"));
        r.add(new Row("madvise-pageout-locked", locked, b -> b.madvise(R, 0x8000, MADV_PAGEOUT), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-free-locked", locked, b -> b.madvise(R, 0x8000, MADV_FREE), "EINVAL", NOTHING, ""));
        Consumer<SimBackend> pnone = b -> map(b, 0, 0x8000, PROT_NONE, 0, (char) 0);
        r.add(new Row("madvise-dontneed-protnone", pnone, b -> b.madvise(R, 0x8000, MADV_DONTNEED), "0", NOTHING, ""));
        r.add(new Row("madvise-free-protnone", pnone, b -> b.madvise(R, 0x8000, MADV_FREE), "0", NOTHING, ""));
        r.add(new Row("madvise-free-shared", b -> assertEquals(R, b.mmap(R, 0x8000, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
                -1, 0)), b -> b.madvise(R, 0x8000, MADV_FREE), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-wipeonfork-shared", b -> assertEquals(R, b.mmap(R, 0x8000, RW,
                MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0)), b -> b.madvise(R, 0x8000, MADV_WIPEONFORK), "EINVAL", NOTHING, ""));
        r.add(new Row("madvise-remove-private", w8, b -> b.madvise(R, 0x8000, MADV_REMOVE), "EINVAL", NOTHING, ""));
        return r;
    }

    static Stream<Row> cases() { return rows().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theModelAnswersAsTheLiveKernel(Row row) {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        row.setup().accept(b);
        long r = row.call().applyAsLong(b);
        String got = r == -1 ? Errno.name(b.errno()) : r == 0 ? "0" : "R+0x" + Long.toHexString(r - R);
        assertEquals(row.ret(), got, row.id() + " return value");
        assertEquals(row.expected(), row.observe().of(b), row.id() + " result");
    }
}
