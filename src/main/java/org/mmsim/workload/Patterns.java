package org.mmsim.workload;

/**
 * The byte pattern of {@code pattern(addr, len, seed)} and the checksum of {@code checksum(addr, len)}, defined
 * once so that every backend produces and checks the same bytes.
 */
public final class Patterns {
    private Patterns() {}

    /** Byte {@code i} (0-based from the start of the pattern) of the pattern with this seed. */
    public static int byteAt(long seed, long i) {
        long z = seed + (i >>> 3) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z >>> ((i & 7) * 8)) & 0xff;
    }

    /**
     * The checksum term of byte {@code b} at position {@code pos} from the start of the checksummed range: a
     * position-weighted sum (mod 2^64) of (byte + 1), so lost, zeroed or moved pages change it.
     */
    public static long term(int b, long pos) { return (b + 1L) * (pos + 1); }

    /** The sum of {@link #term} over n equal bytes b at positions pos0 .. pos0+n-1 (closed form). */
    public static long fillTerms(int b, long pos0, long n) {
        long sumPos = n * (pos0 + 1) + n * (n - 1) / 2;
        return (b + 1L) * sumPos;
    }
}
