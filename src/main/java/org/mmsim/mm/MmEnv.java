package org.mmsim.mm;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TableStore;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapCache;

/**
 * The machine-wide state that mm code runs against: architecture, counters, physical memory, the page-table
 * store, the PTE primitives, the tunables and the enabled features. One per simulated machine.
 */
public final class MmEnv {
    public final Arch arch;
    public final Counters counters;
    public final PhysMem phys;
    public final TableStore tables;
    public final PteOps pte;
    public final Tunables tunables;
    /** The swap cache and swap device (none until {@code set swap}). */
    public final SwapCache swap;
    /** Injected failures of the swap-out path (tests and {@code inject} statements). */
    public final FaultInjection inject = new FaultInjection();
    /**
     * Tests only: the v3 bug of seed 001, where a failed sub-batch of a batched anonymous unmap restores only its
     * own PTEs and leaves the rest of the batch cleared. The invariant checker and the data checks must catch it.
     */
    boolean plantedSubBatchRestoreBug;
    /**
     * The invariant checker's change log, or null when checking is off: told of each address range of a process
     * before a call changes its entries or VMAs there (see {@link Mm#touch}).
     */
    public Watch watch;
    /** The live address spaces of the machine (the reverse map walks them). */
    final List<Mm> mms = new ArrayList<>();
    /** Moves whenever the reverse map's view of the VMAs may have changed ({@link RmapIndex}). */
    private long vmaGeneration;
    /** The VMAs on each rmap owner's chain, for the reverse-map walk. */
    final RmapIndex rmapIndex = new RmapIndex();
    private FeatureSet features;

    public MmEnv(Arch arch, FeatureSet features, long physBytes) {
        this.arch = arch;
        this.counters = new Counters();
        this.phys = new PhysMem(physBytes, counters);
        this.tables = new TableStore(counters);
        this.pte = new PteOps(arch, counters, phys);
        this.tunables = new Tunables();
        this.swap = new SwapCache(counters, phys);
        phys.setReclaimer(() -> Vmscan.reclaimSwapCache(this));
        this.features = features;
    }

    /**
     * Tells the reverse map that a VMA was inserted, removed or re-keyed, gained or lost its anon_vma, or that an
     * address space was created or went away.
     */
    void vmasChanged() { vmaGeneration++; }

    long vmaGeneration() { return vmaGeneration; }

    /** The live address spaces, oldest first (read-only view). */
    public List<Mm> mms() { return java.util.Collections.unmodifiableList(mms); }

    public boolean has(Feature f) { return features.has(f); }

    public FeatureSet features() { return features; }

    /** Receives the address ranges a call is about to change (the incremental invariant checker). */
    @FunctionalInterface
    public interface Watch {
        /** [start, end) of {@code mm} may change from now on (called before the first change). */
        void range(Mm mm, long start, long end);
    }

    /** Switches features (tests compare feature sets on one workload). */
    public void setFeatures(FeatureSet f) { this.features = f; }
}
