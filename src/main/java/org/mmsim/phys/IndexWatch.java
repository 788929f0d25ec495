package org.mmsim.phys;

/**
 * Receives the indexes (page frames, swap slots) whose state a call changes: the incremental invariant checker
 * re-checks only those. Set on {@link PhysMem} and on the swap cache while checking is on, null otherwise.
 */
@FunctionalInterface
public interface IndexWatch {
    /** The state of index {@code i} (a frame: its folio's counts, flags or mapping; a slot: its count or cache mark) changes. */
    void touched(long i);
}
