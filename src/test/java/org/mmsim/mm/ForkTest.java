package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;
import org.mmsim.workload.SimBackend;

/** fork, copy-on-write, process exit and the reverse map (KERNEL_FACTS §7.5; mm/memory.c copy_present_ptes). */
class ForkTest {
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS;
    static final long A = 1L << 30;

    static long pte(Mm mm, long addr) {
        long[] t = mm.pageTables().pteTable(addr, false);
        return t == null ? 0 : t[PageTables.pteIndex(addr)];
    }

    static long count(SimBackend b, Event e) { return b.kernel().env().counters.get(e); }

    static SimBackend mthp64(Arch arch) {
        SimBackend b = new SimBackend(arch, FeatureSet.patched(), true);
        b.set("mthp 64K", "always");
        return b;
    }

    @Test
    void forkSharesA64kFolioCopyOnWriteWithOneBatchPerSide() {
        SimBackend b = mthp64(Arch.X86_64);
        long p = b.mmap(A, 64 << 10, RW, ANON, -1, 0);
        b.memset(p, 1, 64 << 10);
        long[] before = b.counters();
        long child = b.fork();
        long[] after = b.counters();
        // copy_present_ptes: ptep_get + folio_pte_batch reads 16 entries; one wrprotect_ptes(16) on the parent,
        // one set_ptes(16) in the child.
        assertEquals(16, after[Event.PTE_READ.ordinal()] - before[Event.PTE_READ.ordinal()]);
        assertEquals(32, after[Event.PTE_WRITE.ordinal()] - before[Event.PTE_WRITE.ordinal()]);
        assertEquals(2, after[Event.PTE_BATCH_OP.ordinal()] - before[Event.PTE_BATCH_OP.ordinal()]);
        assertEquals(1, after[Event.FORK.ordinal()] - before[Event.FORK.ordinal()]);
        PhysMem phys = b.kernel().env().phys;
        Arch arch = b.kernel().arch();
        long pfn = arch.ptePfn(pte(b.mm(), p));
        assertEquals(4, phys.folioOrder(phys.folioHead(pfn)), "the folio stays large");
        assertEquals(2, phys.mapcount(pfn));
        assertEquals(32, phys.largeMapcount(pfn));
        assertFalse(phys.pageAnonExclusive(pfn));
        assertFalse(arch.pteWrite(pte(b.mm(), p)), "the parent is write-protected");
        assertEquals(pfn, arch.ptePfn(pte(b.mm(child), p)), "the child maps the same page");
        assertEquals(16, b.mm(child).anonRss());
    }

    @Test
    void arm64ForkKeepsTheParentsContpteBlockAndBuildsOneInTheChild() {
        SimBackend b = mthp64(Arch.ARM64);
        long p = b.mmap(A, 64 << 10, RW, ANON, -1, 0);
        b.memset(p, 1, 64 << 10);
        long[] before = b.counters();
        long child = b.fork();
        long[] after = b.counters();
        Arch arch = b.kernel().arch();
        assertEquals(0, after[Event.CONTPTE_UNFOLD.ordinal()] - before[Event.CONTPTE_UNFOLD.ordinal()],
                "wrprotect_ptes over a whole block keeps it cont");
        assertEquals(32, after[Event.PTE_WRITE.ordinal()] - before[Event.PTE_WRITE.ordinal()]);
        assertEquals(2, after[Event.PTE_BATCH_OP.ordinal()] - before[Event.PTE_BATCH_OP.ordinal()]);
        for (long a = p; a < p + (64 << 10); a += 4096) {
            assertTrue(arch.pteCont(pte(b.mm(), a)) && !arch.pteWrite(pte(b.mm(), a)));
            assertTrue(arch.pteCont(pte(b.mm(child), a)) && !arch.pteWrite(pte(b.mm(child), a)));
        }
    }

    @Test
    void parentWriteCopiesOnePageAndTheChildKeepsItsData() {
        for (Arch arch : new Arch[] {Arch.X86_64, Arch.ARM64}) {
            SimBackend b = mthp64(arch);
            long p = b.mmap(A, 64 << 10, RW, ANON, -1, 0);
            b.memset(p, 1, 64 << 10);
            long child = b.fork();
            long copies = count(b, Event.PAGES_COPIED);
            b.poke(p + 4096, 9);
            assertEquals(copies + 1, count(b, Event.PAGES_COPIED), "wp_page_copy copies one 4K page");
            assertEquals(9, b.peek(p + 4096));
            b.switchTo(child);
            assertEquals(1, b.peek(p + 4096), arch + ": the child keeps the old data");
            b.switchTo(0);
        }
    }

    @Test
    void pmdThpIsSharedAtPmdLevelAndSplitOnTheParentsWrite() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        b.set("thp", "always");
        long p = b.mmap(A, 2 << 20, RW, ANON, -1, 0);
        b.memset(p, 3, 2 << 20);
        long child = b.fork();
        Arch arch = b.kernel().arch();
        PhysMem phys = b.kernel().env().phys;
        long pmd = b.mm(child).pageTables().pmdEntry(p);
        assertTrue(arch.entryIsLeaf(pmd), "the child maps the THP with a PMD");
        long head = arch.ptePfn(arch.hugePmdToPte(pmd));
        assertEquals(2, phys.entireMapcount(head));
        assertEquals(2, phys.refcount(head));
        assertFalse(arch.pteWrite(arch.hugePmdToPte(b.mm().pageTables().pmdEntry(p))));
        b.poke(p, 4);
        assertEquals(1, count(b, Event.THP_SPLIT_PMD), "do_huge_pmd_wp_page splits a shared THP and falls back");
        assertEquals(1, count(b, Event.FAULT_WP_COPY));
        b.switchTo(child);
        assertEquals(3, b.peek(p));
        assertEquals(1, phys.entireMapcount(head), "the child still maps it by PMD");
    }

    @Test
    void afterTheChildExitsTheParentReusesInsteadOfCopying() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        b.set("thp", "always");
        long small = b.mmap(A, 4096, RW, ANON, -1, 0);
        long huge = b.mmap(A + (4L << 20), 2 << 20, RW, ANON, -1, 0);
        b.poke(small, 1);
        b.poke(huge, 1);
        long child = b.fork();
        assertEquals(0, b.exit(child));
        b.poke(small, 2);
        b.poke(huge, 2);
        assertEquals(0, count(b, Event.FAULT_WP_COPY));
        assertEquals(2, count(b, Event.FAULT_WP_REUSE), "the last mapper reuses the page and the PMD THP");
        assertEquals(0, count(b, Event.THP_SPLIT_PMD));
    }

    @Test
    void aLargeFolioPartlyMappedByTheChildIsNotReused() {
        // large mapcount == refcount, but the child still maps part of it: folio_maybe_mapped_shared
        SimBackend b = mthp64(Arch.X86_64);
        long p = b.mmap(A, 64 << 10, RW, ANON, -1, 0);
        b.memset(p, 1, 64 << 10);
        long child = b.fork();
        b.switchTo(child);
        assertEquals(0, b.munmap(p + (32 << 10), 32 << 10));
        b.switchTo(0);
        b.poke(p, 5);
        assertEquals(1, count(b, Event.FAULT_WP_COPY));
        b.switchTo(child);
        assertEquals(1, b.peek(p));
    }

    @Test
    void dontforkVmasAreNotCopiedAndWipeonforkOnesAreCopiedEmpty() {
        SimBackend b = new SimBackend(Arch.ARM64, FeatureSet.patched(), true);
        long p = b.mmap(A, 3 * 4096, RW, ANON, -1, 0);
        b.memset(p, 7, 3 * 4096);
        assertEquals(0, b.madvise(p, 4096, Uapi.MADV_DONTFORK));
        assertEquals(0, b.madvise(p + 8192, 4096, Uapi.MADV_WIPEONFORK));
        long child = b.fork();
        b.switchTo(child);
        assertFalse(b.mapped(p));
        assertEquals(7, b.peek(p + 4096));
        assertTrue(b.mapped(p + 8192));
        assertEquals(0, b.peek(p + 8192), "wiped: a fresh zero page");
        assertNull(b.mm(child).vmaLookup(p + 8192).anonVma());
    }

    @Test
    void mlockIsNotInheritedAndForkDoesNotMergeTheNeighboursThatLeaves() {
        // dup_mmap copies VMAs one by one: clearing VM_LOCKED can leave identical neighbours apart in the child
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        long a = b.mmap(A, 8192, Uapi.PROT_READ, ANON | Uapi.MAP_LOCKED | Uapi.MAP_FIXED, -1, 0);
        b.mmap(A + 8192, 8192, Uapi.PROT_READ, ANON | Uapi.MAP_FIXED, -1, 0);
        long c = b.fork();
        assertEquals(2, b.mm(c).intersecting(a, a + 16384).size());
        assertFalse(b.mm(c).vmaLookup(a).has(VmFlags.VM_LOCKED));
    }

    @Test
    void rmapWalkFindsEveryProcessAndAddressIncludingAMovedMapping() {
        SimBackend b = mthp64(Arch.ARM64);
        long p = b.mmap(A, 64 << 10, RW, ANON, -1, 0);
        b.memset(p, 1, 64 << 10);
        long c1 = b.fork();
        long c2 = b.fork();
        b.switchTo(c2);
        long q = A + (8L << 20);
        assertEquals(q, b.mremap(p, 64 << 10, 64 << 10, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, q));
        b.switchTo(0);
        MmEnv env = b.kernel().env();
        long pfn = env.arch.ptePfn(pte(b.mm(), p + 4096));
        List<String> seen = new ArrayList<>();
        Rmap.forEachMapping(env, pfn, (mm, v, addr, page, pmd) -> {
            if (page == pfn) seen.add((mm == b.mm() ? "parent" : mm == b.mm(c1) ? "c1" : "c2") + "@" + Long.toHexString(addr));
            return true;
        });
        assertEquals(List.of("parent@" + Long.toHexString(p + 4096), "c1@" + Long.toHexString(p + 4096),
                "c2@" + Long.toHexString(q + 4096)), seen);
        assertFalse(Rmap.mappedOnlyBy(env, pfn, b.mm()));
        b.exit(c1);
        b.exit(c2);
        assertTrue(Rmap.mappedOnlyBy(env, pfn, b.mm()));
    }

    @Test
    void exitFreesEverythingTheChildAloneHeld() {
        SimBackend b = mthp64(Arch.X86_64);
        long p = b.mmap(A, 1 << 20, RW, ANON, -1, 0);
        b.memset(p, 1, 1 << 20);
        long frames = b.kernel().env().phys.allocatedFrames();
        int tables = b.kernel().env().tables.liveCount();
        long child = b.fork();
        b.switchTo(child);
        b.memset(p, 2, 1 << 20);
        b.mmap(A + (1L << 32), 2 << 20, RW, ANON, -1, 0);
        b.memset(A + (1L << 32), 1, 8192);
        b.switchTo(0);
        assertNotEquals(frames, b.kernel().env().phys.allocatedFrames());
        assertEquals(0, b.exit(child));
        assertEquals(frames, b.kernel().env().phys.allocatedFrames());
        assertEquals(tables, b.kernel().env().tables.liveCount());
        assertEquals(1, b.kernel().mms().size());
        assertEquals(1, count(b, Event.PROCESS_EXIT));
    }

    @Test
    void handlesFollowTheMemoryApiContract() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        assertEquals(-1, b.exit(0));
        assertEquals(Errno.EINVAL, b.errno());
        assertEquals(-1, b.exit(5));
        assertEquals(Errno.ESRCH, b.errno());
        long c = b.fork();
        assertTrue(c > 0);
        assertEquals(0, b.switchTo(c));
        assertEquals(c, b.switchTo(0));
        assertEquals(0, b.exit(c));
        assertEquals(-1, b.exit(c));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.switchTo(c));
        assertEquals("process " + c + " has exited", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.switchTo(77));
    }

    @Test
    void exitingTheCurrentProcessMakesTheOriginalCurrent() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        long p = b.mmap(A, 4096, RW, ANON, -1, 0);
        long c = b.fork();
        b.switchTo(c);
        assertEquals(0, b.exit(c));
        assertTrue(b.mapped(p));
        assertEquals(b.kernel().mms().get(0), b.mm());
    }
}
