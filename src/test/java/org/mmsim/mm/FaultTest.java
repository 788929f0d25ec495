package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.workload.SimBackend;

/** The anonymous fault path (KERNEL_FACTS §7), checked against what the live 6.18 kernel did (docs/kernel-oracle.md). */
class FaultTest {
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS;

    @Test
    void readFaultMapsTheZeroPageWithoutRss() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        long p = b.mmap(1L << 30, 1 << 20, RW, ANON, -1, 0);
        assertEquals(0, b.peek(p + 5000));
        assertTrue(b.present(p + 5000));
        assertEquals(1, b.kernel().env().counters.get(Event.FAULT_ZERO_PAGE));
        assertEquals(0, b.mm().anonRss());
    }

    @Test
    void writeFaultMapsTheLargestEnabledMthpThatFits() {
        // alloc_anon_folio: highest allowed order whose aligned range is inside the VMA and all pte_none
        SimBackend b = new SimBackend(Arch.ARM64, FeatureSet.patched(), true);
        b.set("mthp 64K", "always");
        b.set("mthp 16K", "always");
        long p = b.mmap(1L << 30, 1 << 20, RW, ANON, -1, 0);
        b.poke(p + 70_000, 1);
        assertEquals(16, b.mm().anonRss(), "the 64K block around the fault");
        b.poke(p, 1);
        b.poke(p + 4096 * 20, 1);
        assertEquals(32, b.mm().anonRss(), "the second block, then nothing new inside an already mapped block");
        long q = b.mmap((1L << 30) + (4L << 20), 3 * 4096, RW, ANON, -1, 0);
        b.poke(q, 1);
        assertEquals(33, b.mm().anonRss(), "thp_vma_suitable_order: [q, q+16K) is not inside a 3-page VMA, so order 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void aFirstFaultReusesTheAnonVmaOfANeighbourThatDiffersOnlyInProtection(String arch) {
        // find_mergeable_anon_vma / anon_vma_compatible: flags may differ in VM_READ|VM_WRITE|VM_EXEC, so the
        // first VMA shares the middle one's anon_vma and all three merge once the protections agree again.
        // Found by difftest against Linux 6.18 (docs/difftest.md).
        SimBackend b = new SimBackend(Arch.byName(arch), FeatureSet.patched(), true);
        long p = b.mmap(1L << 30, 64 << 10, RW, ANON, -1, 0);
        assertEquals(0, b.mprotect(p + (16 << 10), 16 << 10, RW | Uapi.PROT_EXEC));
        b.poke(p + (16 << 10), 1);
        b.poke(p, 1);
        assertEquals(3, b.vmas(p, 64 << 10));
        assertEquals(0, b.mprotect(p + (16 << 10), 16 << 10, RW));
        assertEquals(1, b.vmas(p, 64 << 10));
    }

    @Test
    void sharedAnonymousMemoryIgnoresTheAnonymousMthpAndThpKnobs() {
        // Shared anonymous memory is shmem: shmem_get_folio_gfp chooses its order from shmem_enabled and
        // hugepages-*/shmem_enabled (default never), not from the anon knobs. Found by difftest against Linux 6.18:
        // with mthp 1M = always a write into a MAP_SHARED mapping faulted in one 4K page there.
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        b.set("thp", "always");
        b.set("mthp 1M", "always");
        b.set("mthp 64K", "always");
        long p = b.mmap(1L << 30, 6 << 20, RW, Uapi.MAP_SHARED | Uapi.MAP_ANONYMOUS, -1, 0);
        b.poke(p + (2 << 20) + 70_000, 1);
        assertTrue(b.present(p + (2 << 20) + 70_000));
        assertTrue(!b.present(p + (2 << 20)), "no 64K, 1M or 2M folio around the written page");
    }

    @Test
    void writeToTheHugeZeroPageAllocatesATransparentHugePage() {
        // live 6.18: a write to a huge-zero PMD maps a new zeroed 2M THP (do_huge_zero_wp_pmd)
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        b.set("thp", "always");
        long p = b.mmap(1L << 30, 2 << 20, RW, ANON, -1, 0);
        assertEquals(0, b.peek(p + 100));
        assertEquals(1, b.kernel().env().counters.get(Event.FAULT_HUGE_ZERO));
        b.poke(p + 100, 7);
        assertEquals(512, b.mm().anonRss());
        assertEquals(0, b.kernel().env().counters.get(Event.THP_SPLIT_PMD));
        assertEquals(7, b.peek(p + 100));
        assertEquals(0, b.peek(p + 101));
    }
}
