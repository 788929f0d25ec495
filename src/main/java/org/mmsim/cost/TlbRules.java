package org.mmsim.cost;

import org.mmsim.arch.Arch;

/**
 * The TLB-flush rules a profile states: how many pages a range flush invalidates one by one before it flushes the
 * whole address space. The model's {@link Arch#tlbiOps} applies the rule when it counts; {@link #check} proves the
 * profile and the model agree, so the cost of TLBI and TLB_FLUSH_ALL is charged on the counts the profile describes.
 *
 * @param fullFlushAbovePages a flush of more pages than this is a full flush (x86: tlb_single_page_flush_ceiling;
 *                            arm64: MAX_TLBI_RANGE_PAGES with FEAT_TLBIRANGE)
 * @param rule                the rule in words
 * @param source              where the rule is stated (kernel source file, document)
 */
public record TlbRules(long fullFlushAbovePages, String rule, String source) {
    /** Null when the architecture's model follows the rule, else what differs. */
    public String check(Arch arch) {
        long atLimit = arch.tlbiOps(fullFlushAbovePages);
        long above = arch.tlbiOps(fullFlushAbovePages + 1);
        if (atLimit < 0 || above >= 0) {
            return "the " + arch.name() + " model flushes the whole mm above a different page count than the profile's "
                    + fullFlushAbovePages;
        }
        return null;
    }
}
