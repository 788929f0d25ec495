package org.mmsim.phys;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Packs a folio's reverse-map owner and index (folio-&gt;mapping, folio-&gt;index) into one int per frame, so that
 * physical memory pays four bytes per folio for them instead of a boxed map entry.
 *
 * <p>An int word is {@code id << CHUNK_BITS | offset}: {@code id} names an entry of this table, an owner object (an
 * anon_vma or a shmem object) together with a base index aligned to {@code 2^CHUNK_BITS} pages, and {@code offset}
 * is the folio's index minus that base. Folios of one owner that lie within the same 16 MiB of its index space share
 * one entry, so the table stays small (one entry per owner and 16 MiB of touched index space). Entries count their
 * users and their ids are reused once the last folio that names them lets go. Word 0 means "no mapping".
 *
 * <p>The table has room for {@link #MAX_IDS} entries; when full, {@link #acquire} answers {@link #FULL} and the
 * caller keeps that folio's mapping elsewhere (so a pathological number of owners costs memory, never correctness).
 */
final class FolioOwners {
    static final int CHUNK_BITS = 12;
    private static final long CHUNK_MASK = (1L << CHUNK_BITS) - 1;
    /** Ids 1..MAX_IDS are usable; 0 is "none" and the all-ones id is left to the caller as a sentinel. */
    static final int MAX_IDS = (1 << (32 - CHUNK_BITS)) - 2;
    /** What {@link #acquire} answers when the table is full (a word no entry can produce). */
    static final int FULL = -1;

    /**
     * A map key. Its equals and hashCode are written out: a record's generated ones are linked at run time on first
     * use, which spins method-handle classes (about 10 ms of the first fault of every run, measured).
     */
    private record Key(Object owner, long base) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && base == k.base && Objects.equals(owner, k.owner);
        }

        @Override public int hashCode() { return 31 * Objects.hashCode(owner) + Long.hashCode(base); }
    }

    private Object[] owners = new Object[16];
    private long[] bases = new long[16];
    private int[] uses = new int[16];
    private int[] free = new int[16];
    private int freeTop;
    private int nextId = 1;
    private final Map<Key, Integer> ids = new HashMap<>();
    // the entry the last acquire used: sequential faults of one VMA hit it without a map look-up
    private int lastId;
    private final int maxIds;

    FolioOwners() { this(MAX_IDS); }

    /** A table with room for fewer entries (tests use it to reach the full case). */
    FolioOwners(int maxIds) {
        if (maxIds < 1 || maxIds > MAX_IDS) throw new IllegalArgumentException("owner table size " + maxIds);
        this.maxIds = maxIds;
    }

    /** The word for (owner, index), taking one use of its entry; {@link #FULL} if a new entry has no room. */
    int acquire(Object owner, long index) {
        long base = index & ~CHUNK_MASK;
        int offset = (int) (index & CHUNK_MASK);
        int id = lastId;
        if (id == 0 || owners[id] != owner || bases[id] != base || uses[id] == 0) {
            id = lookUp(owner, base);
            if (id < 0) return FULL;
            lastId = id;
        }
        uses[id]++;
        return id << CHUNK_BITS | offset;
    }

    /**
     * The entry of (owner, base) when it is not the last one used: found in the map or made; -1 if a new entry has
     * no room. A method of its own so that the JIT does not inline the map's code into every {@link #acquire}.
     */
    private int lookUp(Object owner, long base) {
        Integer known = ids.get(new Key(owner, base));
        if (known != null) return known;
        int id = newId();
        if (id < 0) return -1;
        owners[id] = owner;
        bases[id] = base;
        ids.put(new Key(owner, base), id);
        return id;
    }

    /** Gives back one use of the entry a word names; the entry is forgotten with its last use. */
    void release(int word) {
        int id = word >>> CHUNK_BITS;
        if (--uses[id] > 0) return;
        forget(id);
    }

    /** Drops an entry whose last use went (out of {@link #release}, which the JIT inlines, for the same reason). */
    private void forget(int id) {
        ids.remove(new Key(owners[id], bases[id]));
        owners[id] = null;
        if (freeTop == free.length) free = Arrays.copyOf(free, free.length * 2);
        free[freeTop++] = id;
    }

    /** The owner object a word names. */
    Object owner(int word) { return owners[word >>> CHUNK_BITS]; }

    /** The index a word names. */
    long index(int word) { return bases[word >>> CHUNK_BITS] + (word & CHUNK_MASK); }

    /** Entries in use (for tests and memory reports). */
    int size() { return ids.size(); }

    private int newId() {
        if (freeTop > 0) return free[--freeTop];
        if (nextId > maxIds) return -1;
        int id = nextId++;
        if (id == owners.length) {
            int len = owners.length * 2;
            owners = Arrays.copyOf(owners, len);
            bases = Arrays.copyOf(bases, len);
            uses = Arrays.copyOf(uses, len);
        }
        return id;
    }
}
