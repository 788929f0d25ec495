package org.mmsim.mm;

/** madvise(2) (mm/madvise.c). TEMPORARY: being written for issue 4. */
public final class Madvise {
    private Madvise() {}

    /** madvise(2): 0 or a negative errno. */
    public static int madvise(Mm mm, long addr, long len, int advice) {
        throw new UnsupportedOperationException("madvise is not modelled yet");
    }
}
