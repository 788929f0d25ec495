package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.check.Checker;
import org.mmsim.check.InvariantViolation;
import org.mmsim.workload.SimBackend;

/**
 * The reverse map's index of VMAs by anon_vma / shmem object (RmapIndex): walks through it find what a scan of
 * every VMA finds, in the same order, across VMA changes; and a VMA change that does not tell it is caught by the
 * full check.
 */
class RmapIndexTest {
    static final long A = 1L << 30;
    static final long P = 4096;
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int PRIV = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED;

    /** Every mapping of the folio of pfn as "process:address", twice: the first walk after a change scans, the second uses the index. */
    static List<String> walkTwice(SimBackend b, long pfn) {
        List<String> first = walk(b, pfn);
        List<String> second = walk(b, pfn);
        assertEquals(first, second, "the index walk and the scan disagree");
        return second;
    }

    static List<String> walk(SimBackend b, long pfn) {
        List<String> out = new ArrayList<>();
        Rmap.forEachMapping(b.kernel().env(), pfn, (mm, v, addr, p, pmd) -> {
            out.add(mm.id() + ":" + Long.toHexString(addr));
            return true;
        });
        return out;
    }

    static long pfn(SimBackend b, long addr) {
        return b.kernel().arch().ptePfn(ForkTest.pte(b.mm(), addr));
    }

    @Test
    void walksThroughTheIndexMatchTheScanAcrossForkMremapAndMunmap() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        b.mmap(A, 8 * P, RW, PRIV, -1, 0);
        for (int k = 0; k < 20; k++) b.mmap(A + (16 + 2 * k) * P, P, Uapi.PROT_READ, PRIV, -1, 0); // VMAs of no interest
        b.memset(A, 1, 8 * P);
        long pfn = pfn(b, A + 3 * P);
        assertEquals(1, walkTwice(b, pfn).size());
        long child = b.fork();
        assertEquals(2, walkTwice(b, pfn).size(), "parent and child");
        b.switchTo(child);
        assertEquals(A + 64 * P, b.mremap(A, 8 * P, 8 * P, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, A + 64 * P));
        List<String> moved = walkTwice(b, pfn);
        assertEquals(2, moved.size());
        assertTrue(moved.get(1).endsWith(Long.toHexString(A + 67 * P)), moved.toString());
        assertEquals(0, b.munmap(A + 64 * P, 8 * P));
        assertEquals(1, walkTwice(b, pfn).size(), "the child's mapping gone");
        b.switchTo(0);
        b.exit(child);
        assertEquals(1, walkTwice(b, pfn).size());
        Checker.check(b.kernel());
    }

    @Test
    void aVmaChangeThatDoesNotTellTheIndexIsCaughtByTheFullCheck() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), false);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.mmap(A + 8 * P, 4 * P, RW, PRIV, -1, 0);
        b.memset(A, 1, 4 * P);
        walkTwice(b, pfn(b, A)); // the index is built
        assertFalse(Rmap.staleIndex(b.kernel().env()));
        Vma other = b.mm().vmaLookup(A + 8 * P);
        other.anonVma = b.mm().vmaLookup(A).anonVma; // behind the index's back
        assertTrue(Rmap.staleIndex(b.kernel().env()));
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> Checker.check(b.kernel()));
        assertTrue(v.getMessage().contains("reverse map's index"), v.getMessage());
        b.mm().setAnonVma(other, other.anonVma); // told
        assertFalse(Rmap.staleIndex(b.kernel().env()));
    }
}
