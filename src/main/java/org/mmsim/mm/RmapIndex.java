package org.mmsim.mm;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Which VMAs each rmap owner (an anon_vma or a shmem object) has on its chain, in the order the reverse-map walk
 * visits them (address spaces oldest first, VMAs in address order): what the kernel's anon_vma and i_mmap interval
 * trees give rmap_walk, so that a walk visits the VMAs that can map the folio instead of every VMA of every process.
 *
 * <p>The index is built from the VMA trees when a walk needs it and is valid until the machine's VMA generation
 * ({@link MmEnv#vmasChanged}) moves: every change that can put a VMA on an owner's chain, take it off, or reorder
 * VMAs bumps it (a VMA inserted, removed or re-keyed, an anon_vma given to a VMA or dropped, an address space
 * created or gone). The first walk after a change scans every VMA as before; a second walk at the same generation
 * builds the index, so a call that changes VMAs between single walks never pays a build it does not use. The
 * invariant checker's full check compares a current index with a fresh build ({@link Rmap#staleIndex}).
 */
final class RmapIndex {
    /** The VMAs of one owner's chain, with their address spaces, in walk order. */
    static final class Chain {
        Mm[] mms = new Mm[2];
        Vma[] vmas = new Vma[2];
        int n;

        void add(Mm mm, Vma v) {
            if (n == vmas.length) {
                mms = Arrays.copyOf(mms, 2 * n);
                vmas = Arrays.copyOf(vmas, 2 * n);
            }
            mms[n] = mm;
            vmas[n++] = v;
        }

        boolean sameAs(Chain o) {
            if (o == null || n != o.n) return false;
            for (int k = 0; k < n; k++) if (mms[k] != o.mms[k] || vmas[k] != o.vmas[k]) return false;
            return true;
        }
    }

    static final Chain EMPTY = new Chain();

    private final Map<Object, Chain> byOwner = new IdentityHashMap<>();
    /** The generation the index was built at; -1 before any build. */
    private long builtAt = -1;
    /** The generation at which a walk last found the index out of date and scanned instead. */
    private long scannedAt = -1;

    /**
     * The chain of {@code owner} for a walk, or null when the caller is to scan every VMA (the first walk since the
     * VMAs changed).
     */
    Chain chain(MmEnv env, Object owner) {
        long gen = env.vmaGeneration();
        if (builtAt != gen) {
            if (scannedAt != gen) {
                scannedAt = gen;
                return null;
            }
            build(env, byOwner);
            builtAt = gen;
        }
        Chain c = byOwner.get(owner);
        return c == null ? EMPTY : c;
    }

    /** True if the index is current (built at the present generation) but differs from a fresh build. */
    boolean stale(MmEnv env) {
        if (builtAt != env.vmaGeneration()) return false;
        Map<Object, Chain> fresh = new IdentityHashMap<>();
        build(env, fresh);
        if (fresh.size() != byOwner.size()) return true;
        for (Map.Entry<Object, Chain> e : fresh.entrySet()) if (!e.getValue().sameAs(byOwner.get(e.getKey()))) return true;
        return false;
    }

    private static void build(MmEnv env, Map<Object, Chain> into) {
        into.clear();
        for (Mm mm : env.mms) {
            for (Vma v : mm.vmas()) {
                if (v.shmem != null) into.computeIfAbsent(v.shmem, k -> new Chain()).add(mm, v);
                for (AnonVma a = v.anonVma; a != null; a = a.parent()) into.computeIfAbsent(a, k -> new Chain()).add(mm, v);
            }
        }
    }
}
