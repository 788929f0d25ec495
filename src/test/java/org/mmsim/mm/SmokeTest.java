package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.workload.SimBackend;

class SmokeTest {
    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void mmapMemsetChecksumMunmapKeepsInvariants(String arch) {
        SimBackend b = new SimBackend(Arch.byName(arch), FeatureSet.patched(), true);
        b.set("mthp 64K", "always");
        long p = b.mmap(1L << 30, 1 << 20, Uapi.PROT_READ | Uapi.PROT_WRITE, Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS, -1, 0);
        assertEquals(1L << 30, p);
        b.memset(p, 0xAA, 1 << 20);
        assertEquals(0xAA, b.peek(p + 12345));
        assertTrue(b.present(p));
        assertEquals(16, b.kernel().env().counters.get(Event.FAULT_ANON_MTHP));
        assertEquals(0, b.munmap(p, 1 << 20));
        assertEquals(0, b.kernel().env().phys.allocatedFrames());
    }
}
