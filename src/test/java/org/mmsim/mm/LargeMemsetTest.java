package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.workload.SimBackend;

/** A 1 GiB memset is held as fill bytes: no page arrays, 8 bytes of PTE per page, a few bytes of frame metadata. */
class LargeMemsetTest {
    @Test
    void oneGibMemsetAllocatesNoContentArrays() {
        SimBackend b = new SimBackend(Arch.ARM64, FeatureSet.patched(), false);
        b.set("mthp 64K", "always");
        long size = 1L << 30;
        long p = b.mmap(1L << 30, size, Uapi.PROT_READ | Uapi.PROT_WRITE, Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS, -1, 0);
        b.memset(p, 0xAA, size);
        var env = b.kernel().env();
        assertEquals(size >> 12, env.phys.allocatedFrames());
        assertEquals(0, env.phys.contentArrayBytes(), "whole-page memsets are fill bytes");
        assertEquals(16384, env.counters.get(Event.FAULT_ANON_MTHP));
        assertEquals(0xAA, b.peek(p + size - 1));
        assertTrue(env.tables.bytes() < (3L << 20), "512 PTE tables of 4 KiB plus upper levels");
        assertEquals(0, b.munmap(p, size));
        assertEquals(0, env.phys.allocatedFrames());
        assertEquals(1, env.tables.liveCount(), "only the pgd is left");
    }
}
