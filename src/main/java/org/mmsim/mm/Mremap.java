package org.mmsim.mm;

/** mremap(2) (mm/mremap.c). TEMPORARY: being written for issue 3. */
public final class Mremap {
    private Mremap() {}

    /** mremap(2): returns the new address or a negative errno. */
    public static long mremap(Mm mm, long addr, long oldLen, long newLen, int flags, long newAddr) {
        throw new UnsupportedOperationException("mremap is not modelled yet");
    }
}
