package org.mmsim.mm;

/** mprotect(2) (mm/mprotect.c). TEMPORARY: being written for issue 4. */
public final class Mprotect {
    private Mprotect() {}

    /** mprotect(2): 0 or a negative errno. */
    public static int mprotect(Mm mm, long addr, long len, int prot) {
        throw new UnsupportedOperationException("mprotect is not modelled yet");
    }
}
