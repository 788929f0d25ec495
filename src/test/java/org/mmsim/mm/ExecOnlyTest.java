package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;
import org.mmsim.workload.Segfault;
import org.mmsim.workload.SimBackend;

/**
 * Execute-only memory (arch/x86/mm/pkeys.c): on x86-64 with protection keys PROT_EXEC alone gets the execute-only
 * key, which user space can neither read nor write; without protection keys, and on arm64 (modelled without
 * FEAT_EPAN), PROT_EXEC implies read. The live kernel's answers are in src/test/resources/oracle/exec-only.mms
 * (cli.ExecOnlyOracleTest runs it on the host).
 */
class ExecOnlyTest {
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS;
    static final long P = 1L << 30;

    private static long pte(SimBackend b, long addr) {
        long[] m = b.mm().pt.pmdTable(addr, false);
        long pmd = m[PageTables.pmdIndex(addr)];
        return b.kernel().env().tables.get(b.kernel().env().arch.entryTableId(pmd))[PageTables.pteIndex(addr)];
    }

    @Test
    void aDeniedReadFaultsWithoutMappingAPage() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        long p = b.mmap(P, 64 << 10, Uapi.PROT_EXEC, ANON, -1, 0);
        assertEquals(1, b.mm().vmaLookup(p).pkey(), "the execute-only key");
        assertThrows(Segfault.class, () -> b.peek(p));
        assertFalse(b.present(p), "access_error: no fault handling, nothing mapped");
    }

    @Test
    void presentEntriesTakeTheKeyAndGiveItBack() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        b.set("mthp 64K", "always");
        long p = b.mmap(P, 64 << 10, RW, ANON, -1, 0);
        b.memset(p, 7, 64 << 10);
        Arch x = Arch.X86_64;
        assertTrue(x.pteKeyAllowsData(pte(b, p)));
        assertEquals(0, b.mprotect(p, 64 << 10, Uapi.PROT_EXEC));
        assertFalse(x.pteKeyAllowsData(pte(b, p + (60 << 10))), "change_protection wrote the key into every entry");
        assertTrue(x.pteExec(pte(b, p)));
        assertThrows(Segfault.class, () -> b.peek(p + 100));
        assertThrows(Segfault.class, () -> b.poke(p, 1));
        assertEquals(0, b.mprotect(p, 64 << 10, Uapi.PROT_READ | Uapi.PROT_EXEC));
        assertEquals(0, b.mm().vmaLookup(p).pkey(), "no longer PROT_EXEC only: back to the default key");
        assertTrue(x.pteKeyAllowsData(pte(b, p)));
        assertEquals(7, b.peek(p + 100));
    }

    @Test
    void numaHintingDropsTheKeyAndTheHintingFaultRestoresIt() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        long p = b.mmap(P, 16 << 10, RW, ANON, -1, 0);
        b.memset(p, 3, 16 << 10);
        assertEquals(0, b.mprotect(p, 16 << 10, Uapi.PROT_EXEC));
        b.numaHint(p, 16 << 10);
        assertTrue(Arch.X86_64.pteProtnone(pte(b, p)));
        assertTrue(Arch.X86_64.pteKeyAllowsData(pte(b, p)), "PAGE_NONE carries no key");
        assertThrows(Segfault.class, () -> b.peek(p), "the VMA's key still denies the access");
        assertEquals(0, b.mprotect(p, 16 << 10, Uapi.PROT_READ | Uapi.PROT_EXEC));
        assertEquals(3, b.peek(p));
    }

    @Test
    void withoutProtectionKeysAndOnArm64ExecImpliesRead() {
        SimBackend x = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        x.set("pku", "0");
        long p = x.mmap(P, 16 << 10, Uapi.PROT_EXEC, ANON, -1, 0);
        assertEquals(0, x.mm().vmaLookup(p).pkey());
        assertEquals(0, x.peek(p));
        SimBackend a = new SimBackend(Arch.ARM64, FeatureSet.patched(), true);
        long q = a.mmap(P, 16 << 10, Uapi.PROT_EXEC, ANON, -1, 0);
        assertEquals(0, a.mm().vmaLookup(q).pkey());
        assertEquals(0, a.peek(q));
    }

    @Test
    void execOnlyNeighboursMergeAndTheKeyKeepsOthersApart() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        long p = b.mmap(P, 64 << 10, RW, ANON, -1, 0);
        assertEquals(0, b.mprotect(p, 32 << 10, Uapi.PROT_EXEC));
        assertEquals(0, b.mprotect(p + (32 << 10), 32 << 10, Uapi.PROT_EXEC));
        assertEquals(1, b.vmas(p, 64 << 10));
        // same access flags, other key: with pku off the new mapping gets key 0 and does not merge
        b.set("pku", "0");
        long q = b.mmap(p + (64 << 10), 16 << 10, Uapi.PROT_EXEC, ANON | Uapi.MAP_FIXED, -1, 0);
        assertEquals(p + (64 << 10), q);
        assertEquals(2, b.vmas(p, 80 << 10));
    }

    @Test
    void badValuesAreRefused() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.set("pku", "2"));
        assertEquals("pku is 0 or 1, got '2'", e.getMessage());
    }
}
