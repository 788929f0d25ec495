package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.phys.PhysMem;
import org.mmsim.workload.Segfault;
import org.mmsim.workload.SimBackend;

/** MAP_SHARED|MAP_ANONYMOUS memory backed by a shmem object (mm/shmem.c): sharing, lifetime, mTHP policy. */
class ShmemTest {
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int SHARED = Uapi.MAP_SHARED | Uapi.MAP_ANONYMOUS;
    static final long A = 1L << 30;

    static SimBackend backend(Arch arch) { return new SimBackend(arch, FeatureSet.patched(), true); }

    static int orderAt(SimBackend b, long addr) {
        PhysMem phys = b.kernel().env().phys;
        Arch arch = b.kernel().arch();
        long pmd = b.mm().pageTables().pmdEntry(addr);
        long pfn = arch.entryIsLeaf(pmd) ? arch.ptePfn(arch.hugePmdToPte(pmd)) : arch.ptePfn(ForkTest.pte(b.mm(), addr));
        return phys.folioOrder(phys.folioHead(pfn));
    }

    @Test
    void forkSharesThePagesInsteadOfCopyingThem() {
        SimBackend b = backend(Arch.X86_64);
        long s = b.mmap(A, 64 << 10, RW, SHARED, -1, 0);
        b.poke(s, 1);
        long c = b.fork();
        b.switchTo(c);
        assertEquals(1, b.peek(s));
        b.poke(s, 2);
        b.switchTo(0);
        assertEquals(2, b.peek(s), "the child's write is seen by the parent");
        assertEquals(0, b.kernel().env().counters.get(Event.PAGES_COPIED));
        assertEquals(0, b.kernel().env().counters.get(Event.FAULT_WP_COPY));
        assertEquals(1, b.mm().shmemRss());
        assertEquals(0, b.mm().anonRss());
    }

    @Test
    void readFaultMapsTheRealPageNotTheZeroPage() {
        SimBackend b = backend(Arch.ARM64);
        long s = b.mmap(A, 4096, RW, SHARED, -1, 0);
        assertEquals(0, b.peek(s));
        assertEquals(0, b.kernel().env().counters.get(Event.FAULT_ZERO_PAGE));
        assertEquals(1, b.kernel().env().counters.get(Event.FAULT_SHMEM));
        assertEquals(1, b.mm().shmemRss());
    }

    @Test
    void pagesLiveUntilTheLastMappingGoes() {
        SimBackend b = backend(Arch.X86_64);
        PhysMem phys = b.kernel().env().phys;
        long s = b.mmap(A, 8192, RW, SHARED, -1, 0);
        b.memset(s, 5, 8192);
        long d = b.mremap(s, 0, 8192, Uapi.MREMAP_MAYMOVE, 0);
        assertTrue(d != -1 && d != s, "old_len 0 duplicates the shared mapping");
        assertEquals(5, b.peek(d + 4096));
        assertEquals(0, b.munmap(s, 8192));
        assertEquals(2, phys.allocatedFrames(), "the page cache keeps the pages");
        assertEquals(5, b.peek(d));
        assertEquals(0, b.munmap(d, 8192));
        assertEquals(0, phys.allocatedFrames(), "the last mapping went: the object is truncated");
    }

    @Test
    void mremapMovesASharedMappingOverTheSamePages() {
        SimBackend b = backend(Arch.ARM64);
        long s = b.mmap(A, 16 << 10, RW, SHARED, -1, 0);
        b.memset(s, 6, 16 << 10);
        long c = b.fork();
        long t = b.mremap(s, 16 << 10, 16 << 10, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, A + (4L << 20));
        assertEquals(A + (4L << 20), t);
        b.poke(t + 100, 77);
        b.switchTo(c);
        assertEquals(77, b.peek(s + 100));
    }

    @Test
    void aMappingGrownByMremapWithinItsObjectSharesTheNewPagesToo() {
        // live 6.18 (docs/kernel-oracle.md, fork_probe): a 4-page object, 3 pages unmapped, the mapping grown back in
        // place: the pages are the object's, shared with a forked child
        SimBackend b = backend(Arch.X86_64);
        long s = b.mmap(A, 4 * 4096, RW, SHARED, -1, 0);
        assertEquals(0, b.munmap(s + 4096, 3 * 4096));
        assertEquals(s, b.mremap(s, 4096, 3 * 4096, 0, 0));
        b.poke(s + 4096, 3);
        long c = b.fork();
        b.switchTo(c);
        assertEquals(3, b.peek(s + 4096));
        b.poke(s + 8192, 9);
        b.switchTo(0);
        assertEquals(9, b.peek(s + 8192));
    }

    @Test
    void anAccessBeyondTheObjectIsSigbus() {
        // live 6.18: a one-page object whose mapping mremap grew to three pages; the second page is past i_size
        SimBackend b = backend(Arch.X86_64);
        long s = b.mmap(A, 4096, RW, SHARED, -1, 0);
        b.poke(s, 1);
        assertEquals(s, b.mremap(s, 4096, 3 * 4096, 0, 0));
        long before = b.kernel().env().counters.get(Event.FAULT_SIGSEGV);
        Segfault w = assertThrows(Segfault.class, () -> b.poke(s + 4096, 2));
        assertTrue(w.bus());
        assertEquals(s + 4096, w.addr());
        assertEquals("SIGBUS: write at 0x" + Long.toHexString(s + 4096), w.getMessage());
        Segfault r = assertThrows(Segfault.class, () -> b.memset(s, 7, 3 * 4096));
        assertTrue(r.bus());
        assertEquals(s + 4096, r.addr(), "the bytes before the page past i_size were written");
        assertEquals(7, b.peek(s));
        assertEquals(before + 2, b.kernel().env().counters.get(Event.FAULT_SIGSEGV));
        assertFalse(b.present(s + 4096));
        assertEquals(-1, b.madvise(s, 3 * 4096, Uapi.MADV_POPULATE_READ));
        assertEquals(Errno.EFAULT, b.errno());
    }

    /** The PTE of addr in b's current process. */
    private static long pte(SimBackend b, long addr) { return ForkTest.pte(b.mm(), addr); }

    @Test
    void aReadFaultMapsTheCachedWindowYoungOnX86AndOldButTheFaultingPageOnArm64() {
        for (Arch arch : new Arch[] {Arch.X86_64, Arch.ARM64}) {
            SimBackend b = backend(arch);
            long s = b.mmap(A, 64 * 4096, RW, SHARED, -1, 0);
            assertEquals(A, s);
            b.memset(s, 5, 64 * 4096);
            assertEquals(0, b.madvise(s, 64 * 4096, Uapi.MADV_DONTNEED));
            long[] c0 = b.counters();
            assertEquals(5, b.peek(s + 21 * 4096));
            long[] c1 = b.counters();
            assertEquals(1, c1[Event.FAULT_SHMEM.ordinal()] - c0[Event.FAULT_SHMEM.ordinal()], arch.name());
            assertEquals(16, c1[Event.PTE_WRITE.ordinal()] - c0[Event.PTE_WRITE.ordinal()], arch.name());
            assertEquals(0, c1[Event.PAGES_ZEROED.ordinal()] - c0[Event.PAGES_ZEROED.ordinal()], "no allocation");
            for (int i = 0; i < 64; i++) assertEquals(i >= 16 && i < 32, b.present(s + i * 4096L), arch.name() + " " + i);
            assertTrue(arch.pteYoung(pte(b, s + 21 * 4096)), "the faulting page is young");
            assertEquals(arch == Arch.X86_64, arch.pteYoung(pte(b, s + 22 * 4096)), arch.name() + ": prefaulted page");
            assertTrue(arch.pteWrite(pte(b, s + 22 * 4096)), "a shared writable mapping maps writable (no writenotify)");
            assertFalse(arch.pteDirty(pte(b, s + 22 * 4096)), "a read fault maps clean");
        }
    }

    @Test
    void aLargeFolioInsideTheVmaAndOneTableIsMappedWholeOtherwiseOnlyInTheWindow() {
        SimBackend b = backend(Arch.X86_64);
        b.set("shmem_mthp 128K", "always");
        long s = b.mmap(A, 512 << 10, RW, SHARED, -1, 0);
        b.memset(s, 5, 512 << 10);
        assertEquals(5, orderAt(b, s));
        assertEquals(0, b.madvise(s, 512 << 10, Uapi.MADV_DONTNEED));
        assertEquals(5, b.peek(s + 5 * 4096));
        for (int i = 0; i < 128; i++) assertEquals(i < 32, b.present(s + i * 4096L), "whole folio: " + i);
        // the first page unmapped: folio 0 is no longer inside the VMA, so only the window, which starts at the VMA's
        // start (page 1) and is 16 pages long (do_fault_around's from_pte/to_pte)
        assertEquals(0, b.madvise(s, 512 << 10, Uapi.MADV_DONTNEED));
        assertEquals(0, b.munmap(s, 4096));
        assertEquals(5, b.peek(s + 5 * 4096));
        for (int i = 1; i < 128; i++) assertEquals(i <= 16, b.present(s + i * 4096L), "window only: " + i);
        b.checkNow();
    }

    @Test
    void aPmdSizedFolioIsMappedByOnePmdOnAReadFault() {
        SimBackend b = backend(Arch.X86_64);
        b.set("shmem_thp", "always");
        long s = b.mmap(A, 4 << 20, RW, SHARED, -1, 0);
        b.memset(s, 5, 4 << 20);
        assertEquals(0, b.madvise(s, 4 << 20, Uapi.MADV_DONTNEED));
        assertFalse(b.present(s));
        assertEquals(5, b.peek(s + 100 * 4096));
        Arch arch = b.kernel().arch();
        assertTrue(arch.entryIsLeaf(b.mm().pageTables().pmdEntry(s)), "one PMD maps the whole folio");
        assertFalse(b.present(s + (2 << 20)), "the next PMD range is not touched");
        b.checkNow();
    }

    @Test
    void shmemMthpKnobsChooseTheFolioSize() {
        SimBackend never = backend(Arch.X86_64);
        never.set("thp", "always");
        never.set("mthp 64K", "always");
        long s = never.mmap(A, 2 << 20, RW, SHARED, -1, 0);
        never.poke(s, 1);
        assertEquals(0, orderAt(never, s), "anonymous THP knobs do not apply to shmem; shmem_enabled defaults to never");

        SimBackend mthp = backend(Arch.ARM64);
        mthp.set("shmem_mthp 64K", "always");
        s = mthp.mmap(A, 2 << 20, RW, SHARED, -1, 0);
        mthp.poke(s + 5000, 1);
        assertEquals(4, orderAt(mthp, s + 5000));
        assertEquals(16, mthp.mm().shmemRss(), "finish_fault maps the whole folio");

        SimBackend pmd = backend(Arch.X86_64);
        pmd.set("shmem_thp", "always");
        s = pmd.mmap(A, 2 << 20, RW, SHARED, -1, 0);
        pmd.poke(s, 1);
        assertEquals(9, orderAt(pmd, s));
        assertTrue(pmd.kernel().arch().entryIsLeaf(pmd.mm().pageTables().pmdEntry(s)), "do_set_pmd");
        long c = pmd.fork();
        pmd.switchTo(c);
        assertEquals(1, pmd.peek(s), "the child faults the same THP in from the page cache");
        assertTrue(pmd.kernel().arch().entryIsLeaf(pmd.mm(c).pageTables().pmdEntry(s)), "mapped by PMD in the child too");
        assertEquals(2, pmd.kernel().env().phys.entireMapcount(pmd.kernel().arch().ptePfn(
                pmd.kernel().arch().hugePmdToPte(pmd.mm(c).pageTables().pmdEntry(s)))));

        SimBackend deny = backend(Arch.X86_64);
        deny.set("shmem_thp", "deny");
        deny.set("shmem_mthp 64K", "always");
        s = deny.mmap(A, 2 << 20, RW, SHARED, -1, 0);
        deny.poke(s, 1);
        assertEquals(0, orderAt(deny, s), "deny turns every size off");

        SimBackend within = backend(Arch.X86_64);
        within.set("shmem_thp", "within_size");
        s = within.mmap(A, 3 << 20, RW, SHARED, -1, 0);
        within.poke(s, 1);
        assertEquals(9, orderAt(within, s), "the first 2M lie within i_size");
        within.poke(s + (2 << 20), 1);
        assertEquals(0, orderAt(within, s + (2 << 20)), "the second 2M would pass i_size");
    }

    @Test
    void madvRemovePunchesAHoleInEveryProcess() {
        SimBackend b = backend(Arch.X86_64);
        b.set("shmem_mthp 16K", "always");
        PhysMem phys = b.kernel().env().phys;
        long s = b.mmap(A, 64 << 10, RW, SHARED, -1, 0);
        b.memset(s, 8, 64 << 10);
        long c = b.fork();
        b.switchTo(c);
        assertEquals(8, b.peek(s + (20 << 10)), "the child maps the pages too");
        b.switchTo(0);
        assertEquals(16, phys.allocatedFrames());
        assertEquals(0, b.madvise(s + (16 << 10), 20 << 10, Uapi.MADV_REMOVE));
        // pages 4-8: the 16K folio of pages 4-7 leaves the page cache; the one of pages 8-11 is split at page 8
        // (folio_split: pages 10-11, 9 and 8) and page 8 leaves too
        assertEquals(11, phys.allocatedFrames(), "the wholly covered 16K folio and the split-off page 8 left");
        Shmem obj = b.mm().vmaLookup(s).shmem;
        assertEquals(0, phys.folioOrder(obj.lookup(phys, 9)), "page 9 is a folio of its own");
        assertEquals(1, phys.folioOrder(obj.lookup(phys, 10)), "pages 10-11 are one folio");
        assertEquals(-1, obj.lookup(phys, 8), "page 8 left the page cache");
        assertFalse(b.present(s + (40 << 10)), "the split unmapped the whole folio");
        b.switchTo(c);
        assertFalse(b.present(s + (20 << 10)), "unmap_mapping_range zapped the child's mapping too");
        assertEquals(0, b.peek(s + (20 << 10)));
        assertEquals(0, b.peek(s + (35 << 10)), "the partly covered folio had the covered page zeroed");
        assertEquals(8, b.peek(s + (36 << 10)));
        assertEquals(-1, b.madvise(b.mmap(0, 4096, RW, Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS, -1, 0), 4096, Uapi.MADV_REMOVE));
        assertEquals(Errno.EINVAL, b.errno());
    }

    @Test
    void knobValuesAreTheSysfsWords() {
        Tunables t = new Tunables();
        t.set("shmem_thp", "within_size");
        assertEquals(Tunables.ShmemThp.WITHIN_SIZE, t.shmemThp);
        t.set("shmem_mthp 16K", "inherit");
        assertEquals(Tunables.ShmemMthp.INHERIT, t.shmemMthp(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.set("shmem_thp", "madvise"));
        assertEquals("bad value 'madvise' for shmem_thp; use always|within_size|advise|never|deny|force", e.getMessage());
        assertFalse(t.shmemMthp(9) == Tunables.ShmemMthp.NEVER, "2M inherits by default");
    }
}
