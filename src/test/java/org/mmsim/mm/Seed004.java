package org.mmsim.mm;

import java.util.HashSet;
import java.util.Set;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.workload.SimBackend;

/** The three cases of seed 004's test program, scalable, for the mprotect tests. */
final class Seed004 {
    private Seed004() {}

    static final long BASE = 1L << 30;
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int PRIV = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS;

    /** mmap, memset, MADV_NOHUGEPAGE, explicit_bzero and (T1) pte_map_thps; checking only at the end. */
    static SimBackend setup(String arch, FeatureSet fs, String kase, long size) {
        SimBackend b = new SimBackend(Arch.byName(arch), fs, false);
        switch (kase) {
            case "T1" -> b.set("thp", "always");
            case "T2" -> { b.set("thp", "never"); b.set("mthp 64K", "always"); }
            case "T3" -> b.set("thp", "never");
            default -> throw new IllegalArgumentException(kase);
        }
        long p = b.mmap(BASE, size, RW, PRIV, -1, 0);
        if (p != BASE) throw new AssertionError("mmap " + p);
        b.memset(p, 0, size);
        if (b.madvise(p, size, Uapi.MADV_NOHUGEPAGE) != 0) throw new AssertionError("madvise");
        b.memset(p, 0, size);
        if (kase.equals("T1")) pteMapThps(b, p, size);
        b.checkNow();
        return b;
    }

    /** Seed 004's pte_map_thps: DONTFORK then DOFORK one page at every 2 MiB. */
    static void pteMapThps(SimBackend b, long p, long size) {
        int ret = 0;
        for (long off = 0; off < size; off += Arch.PMD_SIZE) {
            ret |= b.madvise(p + off, Arch.PAGE_SIZE, Uapi.MADV_DONTFORK);
            ret |= b.madvise(p + off, Arch.PAGE_SIZE, Uapi.MADV_DOFORK);
        }
        if (ret != 0) throw new AssertionError("pte_map_thps failed");
    }

    /** Counter deltas of one mprotect(RO) + mprotect(RW) pair over [BASE, BASE+size). */
    static long[] pair(SimBackend b, long size) {
        long[] before = b.counters();
        if (b.mprotect(BASE, size, Uapi.PROT_READ) != 0) throw new AssertionError("mprotect RO");
        if (b.mprotect(BASE, size, RW) != 0) throw new AssertionError("mprotect RW");
        long[] after = b.counters();
        long[] d = new long[after.length];
        for (int i = 0; i < d.length; i++) d[i] = after[i] - before[i];
        return d;
    }

    static long get(long[] d, Event e) { return d[e.ordinal()]; }

    static long pteReads(long[] d) { return get(d, Event.PTE_READ) + get(d, Event.PTE_READ_CONT_GATHER); }

    /** Sum of all PTE_* events, FOLIO_LOOKUP and TLBI. */
    static long work(long[] d) {
        long s = get(d, Event.FOLIO_LOOKUP) + get(d, Event.TLBI);
        for (Event e : Event.values()) if (e.name().startsWith("PTE_")) s += get(d, e);
        return s;
    }

    /** Distinct order-9 folios mapped by PTEs, and PMD leaf mappings, in the whole address space. */
    static long[] thpMappings(Mm mm) {
        Arch arch = mm.env().arch;
        Set<Long> heads = new HashSet<>();
        long[] pmds = {0};
        mm.pageTables().forEachTable((level, base, t) -> {
            if (level == 2) {
                for (long e : t) if (e != 0 && !arch.entryIsTable(e)) pmds[0]++;
            } else if (level == 3) {
                for (long e : t) {
                    if (!arch.ptePresent(e) || arch.pteSpecial(e)) continue;
                    long pfn = arch.ptePfn(e);
                    if (mm.env().phys.folioOrder(pfn) == Arch.PMD_ORDER) heads.add(mm.env().phys.folioHead(pfn));
                }
            }
        });
        return new long[] {heads.size(), pmds[0]};
    }

    static String fmt(long[] d) {
        return String.format("PTE reads %d (READ %d + GATHER %d), UNFOLD %d, FOLD %d, TLBI %d, FOLIO_LOOKUP %d, work %d",
                pteReads(d), get(d, Event.PTE_READ), get(d, Event.PTE_READ_CONT_GATHER), get(d, Event.CONTPTE_UNFOLD),
                get(d, Event.CONTPTE_FOLD), get(d, Event.TLBI), get(d, Event.FOLIO_LOOKUP), work(d));
    }
}
