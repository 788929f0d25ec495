package org.mmsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Vma;

/** The measurement machine maps the memory it is asked for: private, or shared (shmem) with its folio size. */
class MachineTest {
    @Test
    void sharedMachinesTouchShmemOfTheirFolioSize() {
        Machine m = new Machine("x86_64", FeatureSet.patched(), 64L << 20, 64L << 10, true);
        long p = m.touch(BulkPaths.BASE, 1L << 20);
        Vma v = m.api.mm().vmaLookup(p);
        assertTrue(v.isShared() && v.shmem() != null);
        assertEquals(16, v.shmem().folios(), "sixteen 64K folios in the page cache");
        Machine q = new Machine("x86_64", FeatureSet.patched(), 64L << 20, 4096);
        long r = q.touch(BulkPaths.BASE, 1L << 20);
        assertFalse(q.api.mm().vmaLookup(r).isShared());
        assertEquals(null, q.api.mm().vmaLookup(r).shmem());
    }
}
