package org.mmsim.workload.script;

/** How the language shows a value to the user (print statements, expect messages). */
public final class Values {
    private Values() { }

    /** Values below 4096 (and negative ones) in decimal; larger ones also in hex: {@code 1073741824 (0x40000000)}. */
    public static String format(long v) {
        return v >= 4096 ? v + " (0x" + Long.toHexString(v) + ")" : Long.toString(v);
    }
}
