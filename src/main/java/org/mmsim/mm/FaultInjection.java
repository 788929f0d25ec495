package org.mmsim.mm;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fault injection for the fallible steps of swap-out (KERNEL_FACTS §4.4 step 6, §5.4), so that the recovery paths
 * (above all: restoring every PTE a failed batched unmap had cleared) are exercised by scripts and property tests.
 * A failure is armed for the N-th occurrence of its kind counted from the moment it is armed; each occurrence
 * point asks {@link #fails} once. One instance per machine, in {@link MmEnv#inject}.
 */
public final class FaultInjection {
    /** The injectable failures. */
    public enum Kind {
        /** folio_alloc_swap finds no free slots (counted per call). */
        SWAP_ALLOC_FAIL("swap_alloc_fail"),
        /** A swap-count raise fails (a continuation page cannot be allocated); counted per slot. */
        SWAP_DUP_FAIL("swap_dup_fail"),
        /** arch_unmap_one refuses (SPARC ADI in Linux); counted per call. */
        ARCH_UNMAP_FAIL("arch_unmap_fail"),
        /** The folio turns out to be maybe DMA-pinned when its exclusivity is shared; counted per call. */
        FOLIO_PINNED("folio_pinned");

        private final String userName;

        Kind(String userName) { this.userName = userName; }

        /** The name scripts use ({@code inject swap_dup_fail at 3}). */
        public String userName() { return userName; }

        /** The kind of a user name; IllegalArgumentException listing the known ones. */
        public static Kind byName(String name) {
            for (Kind k : values()) if (k.userName.equals(name.toLowerCase(Locale.ROOT))) return k;
            throw new IllegalArgumentException("unknown injection '" + name + "'; known: "
                    + Arrays.stream(values()).map(Kind::userName).collect(Collectors.joining(", ")));
        }
    }

    private final long[] seen = new long[Kind.values().length];
    private final long[] fired = new long[Kind.values().length];
    @SuppressWarnings("unchecked")
    private final Set<Long>[] armed = new Set[Kind.values().length];
    /** Failures armed and not yet fired, of every kind: with none, an occurrence point only counts. */
    private int pending;

    FaultInjection() {
        for (int i = 0; i < armed.length; i++) armed[i] = new HashSet<>();
    }

    /** Arms a failure at the n-th (1-based) occurrence of {@code kind} from now. */
    public void arm(Kind kind, long n) {
        if (n < 1) throw new IllegalArgumentException("an injection needs an occurrence of 1 or more, got " + n);
        if (armed[kind.ordinal()].add(seen[kind.ordinal()] + n)) pending++;
    }

    /** Arms a failure at every occurrence of {@code kind} (n = 1, 2, ... up to {@code count}) from now. */
    public void armEvery(Kind kind, long count) {
        for (long n = 1; n <= count; n++) arm(kind, n);
    }

    /** Disarms everything not yet fired. */
    public void clear() {
        for (Set<Long> s : armed) s.clear();
        pending = 0;
    }

    /** How many injected failures of a kind have fired. */
    public long fired(Kind kind) { return fired[kind.ordinal()]; }

    /** True when no failure is armed: every occurrence point only counts (nothing can fail). */
    boolean quiet() { return pending == 0; }

    /** One occurrence of {@code kind}: true if it is armed to fail. */
    boolean fails(Kind kind) {
        int k = kind.ordinal();
        long n = ++seen[k];
        if (pending == 0 || armed[k].isEmpty() || !armed[k].remove(n)) return false;
        pending--;
        fired[k]++;
        return true;
    }

    /** {@code nr} occurrences at once (a batched call covering nr slots): true if any of them is armed. */
    boolean failsAny(Kind kind, int nr) {
        int k = kind.ordinal();
        if (pending == 0 || armed[k].isEmpty()) {
            seen[k] += nr;
            return false;
        }
        boolean any = false;
        for (int j = 0; j < nr; j++) any |= fails(kind);
        return any;
    }
}
