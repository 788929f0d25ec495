package org.mmsim.phys;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;

/**
 * Physical memory: page frames indexed by PFN in struct-of-arrays form (no object per page), a buddy allocator,
 * folio metadata and sparse page contents.
 *
 * <p>Per frame: flags (short: folio flags on the head, PageAnonExclusive per page, and the folio order in bits
 * 11-14 of every page of the folio, so the head is {@code pfn & ~(nr-1)}), mapcount (int, per page: PTE mappings of
 * the page), refcount (int, on the head) and the folio's reverse-map owner and index (int, on the head: a word of
 * {@link FolioOwners}). A page's mapcount is a short: the rare page mapped 32,768 times or more keeps its count in a
 * side map, marked by a sentinel. As in the kernel, the folio-wide counters of a large folio live in its tail pages' spare
 * slots: the "large mapcount" in the refcount slot of the first tail page, the "entire" (PMD) mapcount in that of
 * the second. Contents: one fill byte per page, and a real 4 KiB array only for pages whose bytes differ, so a
 * 1 GiB memset costs no 1 GiB array. That is 13 bytes per frame and no object per page or per folio.
 *
 * <p>PFN 0 is the shared zero page; PFNs 512..1023 are the huge zero folio (order 9). Both are never freed.
 */
public final class PhysMem {
    public static final int MAX_ORDER = Buddy.MAX_ORDER;
    public static final int PAGE_SIZE = 4096;
    public static final long ZERO_PFN = 0;
    public static final long HUGE_ZERO_PFN = 512;
    private static final long FIRST_FREE = 1L << MAX_ORDER;

    // folio flags (on the head page)
    public static final short PG_FOLIO = 1;          // allocated (head)
    public static final short PG_ANON = 1 << 1;
    public static final short PG_SWAPBACKED = 1 << 2;
    public static final short PG_DIRTY = 1 << 3;
    public static final short PG_SWAPCACHE = 1 << 4;
    public static final short PG_LRU = 1 << 5;
    public static final short PG_RESERVED = 1 << 6;   // zero page, huge zero folio
    // per-page flags
    public static final short PG_ANON_EXCLUSIVE = 1 << 8;
    public static final short PG_TAIL = 1 << 9;
    private static final short PG_CONTENT_ARRAY = 1 << 10;
    // folio order, on every page of the folio (0..MAX_ORDER fits in four bits)
    private static final int ORDER_SHIFT = 11;
    private static final int ORDER_MASK = 0xf;
    // the mapping word of a folio whose owner did not fit the owner table: see overflow
    private static final int MAPPING_OVERFLOW = FolioOwners.FULL;

    private final Counters counters;
    private final Buddy buddy;
    private short[] flags = new short[4096];
    private short[] mapcount = new short[4096];
    // mapcounts that do not fit a short: the array holds MAPCOUNT_SPILLED and the count is here
    private static final short MAPCOUNT_SPILLED = Short.MIN_VALUE;
    private final Map<Long, Integer> bigMapcount = new HashMap<>();
    private int[] refcount = new int[4096];
    private int[] mapping = new int[4096];
    private byte[] fill = new byte[4096];
    private final FolioOwners owners;
    private final Map<Long, Mapping> overflow = new HashMap<>();
    private final Map<Long, byte[]> pages = new HashMap<>();
    private long allocatedFrames;
    /** The invariant checker's record of changed frames, or null (see {@link #setWatch}). */
    private IndexWatch watch;

    /** Physical memory of {@code bytes} (rounded down to 4 MiB), counting into {@code counters}. */
    public PhysMem(long bytes, Counters counters) { this(bytes, counters, FolioOwners.MAX_IDS); }

    /** As above, with an owner table of {@code ownerEntries} entries (tests use a small one to reach overflow). */
    PhysMem(long bytes, Counters counters, int ownerEntries) {
        this.counters = counters;
        this.owners = new FolioOwners(ownerEntries);
        long frames = bytes / PAGE_SIZE;
        if (frames < 2 * FIRST_FREE) throw new IllegalArgumentException("physical memory too small: " + bytes);
        this.buddy = new Buddy(FIRST_FREE, frames);
        ensure(FIRST_FREE);
        flags[(int) ZERO_PFN] = (short) (PG_FOLIO | PG_RESERVED);
        refcount[(int) ZERO_PFN] = 1;
        for (long p = HUGE_ZERO_PFN; p < HUGE_ZERO_PFN + 512; p++) {
            flags[(int) p] = (short) ((p == HUGE_ZERO_PFN ? PG_FOLIO | PG_RESERVED : PG_TAIL) | 9 << ORDER_SHIFT);
        }
        refcount[(int) HUGE_ZERO_PFN] = 1;
    }

    /**
     * Has {@code w} told of every frame whose folio metadata a call changes (allocation, free, split, flags, refcount,
     * mapcounts, mapping; not PageAnonExclusive alone, which only changes with a PTE or a mapcount); null for none.
     */
    public void setWatch(IndexWatch w) { this.watch = w; }

    private void touched(long pfn) {
        IndexWatch w = watch;
        if (w != null) w.touched(pfn);
    }

    /** Resizes physical memory; IllegalArgumentException if below memory already used. */
    public void setBytes(long bytes) {
        if (!buddy.setCapacity(bytes / PAGE_SIZE)) {
            throw new IllegalArgumentException("memory cannot shrink below the " + (buddy.highWater() * PAGE_SIZE >> 20) + " MiB already touched");
        }
    }

    /** Bytes of physical memory. */
    public long bytes() { return buddy.capacity() * PAGE_SIZE; }

    /** Frames currently allocated to folios. */
    public long allocatedFrames() { return allocatedFrames; }

    /** Frames free. */
    public long freeFrames() { return buddy.freeFrames(); }

    /** The number of frames ever touched (arrays cover them). */
    public long highWater() { return buddy.highWater(); }

    private void ensure(long n) {
        if (n > flags.length) grow(n);
    }

    /** The rare part of {@link #ensure}, kept out of it so that the allocation path the JIT inlines stays small. */
    private void grow(long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("more than 2^31 frames");
        // grow geometrically for amortised O(1), but never past the frames that exist: a machine whose memory is
        // nearly all touched must not pay for twice its frames (bytes per resident page is a budget)
        long cap = Math.max(n, buddy.capacity());
        int len = (int) Math.min(Integer.MAX_VALUE - 8, Math.min(cap, Math.max(n, (long) flags.length * 2)));
        flags = Arrays.copyOf(flags, len);
        mapcount = Arrays.copyOf(mapcount, len);
        refcount = Arrays.copyOf(refcount, len);
        mapping = Arrays.copyOf(mapping, len);
        fill = Arrays.copyOf(fill, len);
    }

    // ---- allocation -------------------------------------------------------------------------------

    /**
     * Allocates a folio of 2^order pages (folio_alloc): refcount 1, mapcounts 0, no flags; contents are left
     * as the previous owner had them (the caller zeroes). Returns the head pfn, or -1 when memory is exhausted.
     */
    public long allocFolio(int order) {
        long head = buddy.alloc(order);
        if (head < 0 && reclaimer != null && reclaimer.getAsBoolean()) head = buddy.alloc(order);
        if (head < 0) return -1;
        ensure(buddy.highWater());
        int h = (int) head;
        int n = 1 << order;
        short orderBits = (short) (order << ORDER_SHIFT);
        // one pass over the frames (not one Arrays.fill per array: each is a loop of its own for the JIT to compile)
        for (int i = h; i < h + n; i++) {
            flags[i] = (short) (PG_TAIL | orderBits);
            mapcount[i] = 0;
            refcount[i] = 0;
        }
        flags[h] = (short) (PG_FOLIO | orderBits);
        refcount[h] = 1;
        allocatedFrames += n;
        touched(head);
        counters.inc(Event.folioAlloc(order));
        return head;
    }

    private java.util.function.BooleanSupplier reclaimer;

    /**
     * What an allocation that finds no free memory runs before it fails (direct reclaim): it returns true if it
     * freed something, and the allocation is tried once more.
     */
    public void setReclaimer(java.util.function.BooleanSupplier reclaimer) { this.reclaimer = reclaimer; }

    /** Returns a folio to the allocator (its refcount must have dropped to zero). */
    public void freeFolio(long head) {
        int h = (int) head;
        if ((flags[h] & PG_FOLIO) == 0 || (flags[h] & PG_RESERVED) != 0) {
            throw new IllegalStateException("freeing a frame that is not an allocated folio head: pfn " + head);
        }
        int o = ord(h);
        int n = 1 << o;
        touched(head);
        clearFolioMapping(head);
        // Pages with a content array or a spilled mapcount are rare (none at all in most runs): look for them only
        // when some exist, then reset the frames in a plain loop.
        if (!pages.isEmpty() || !bigMapcount.isEmpty()) {
            for (int i = h; i < h + n; i++) {
                if ((flags[i] & PG_CONTENT_ARRAY) != 0) pages.remove((long) i);
                if (mapcount[i] == MAPCOUNT_SPILLED) bigMapcount.remove((long) i);
            }
        }
        if (n >= 4) {
            // Four frames a step (n is a power of two): C2 compiles the plain loop over the three arrays, whose trip
            // count it does not know, into a set-up that costs more than the 48 stores of a 64K folio; this form is
            // about 3 ns a folio cheaper (wider steps made freeFolio too big to inline into the zap).
            for (int i = h; i < h + n; i += 4) {
                flags[i] = 0;
                flags[i + 1] = 0;
                flags[i + 2] = 0;
                flags[i + 3] = 0;
                mapcount[i] = 0;
                mapcount[i + 1] = 0;
                mapcount[i + 2] = 0;
                mapcount[i + 3] = 0;
                refcount[i] = 0;
                refcount[i + 1] = 0;
                refcount[i + 2] = 0;
                refcount[i + 3] = 0;
            }
        } else {
            for (int i = h; i < h + n; i++) {
                flags[i] = 0;
                mapcount[i] = 0;
                refcount[i] = 0;
            }
        }
        allocatedFrames -= n;
        buddy.free(head, o);
        counters.inc(Event.folioFree(o));
    }

    /**
     * __split_folio_to_order(0) of a large folio that no PMD maps: every page becomes an order-0 folio with the
     * head's folio flags, its own PageAnonExclusive, and a refcount of its PTE mappings plus {@code extraRefsPerPage}
     * (the swap cache's reference). Pages left with no reference are freed. Returns the number freed.
     */
    public int splitFolio(long head, int extraRefsPerPage) {
        int h = (int) head;
        int o = ord(h);
        if (o == 0) return 0;
        if (entireMapcount(head) != 0) throw new IllegalStateException("splitting a PMD-mapped folio at pfn " + head);
        int n = 1 << o;
        short folioFlags = (short) (flags[h] & 0xff);
        int freed = 0;
        for (int i = h; i < h + n; i++) {
            touched(i);
            // keeps PageAnonExclusive and the content bit, takes the head's folio flags; the order becomes 0
            flags[i] = (short) ((flags[i] & (PG_ANON_EXCLUSIVE | PG_CONTENT_ARRAY)) | folioFlags);
            refcount[i] = mapcount(i) + extraRefsPerPage;
        }
        counters.inc(Event.FOLIO_SPLIT);
        Mapping fm = folioMapping(head);
        if (fm != null) for (int i = 0; i < n; i++) setFolioMapping(head + i, fm.owner(), fm.index() + i);
        for (int i = h; i < h + n; i++) {
            if (refcount[i] == 0) {
                freeFolio(i);
                freed++;
            }
        }
        return freed;
    }

    /**
     * The non-uniform split of an unmapped large folio (folio_split, as truncation does it): the page {@code at}
     * becomes an order-0 folio and the rest of the folio the largest aligned folios that do not contain it (a 64-page
     * folio split at page 13: pages 32-63, 16-31, 0-7, 8-11, 14-15, 12 and 13). Each new folio keeps the head's folio
     * flags and mapping (its own index), has a refcount of {@code refsPerPage} per page and no mapping. Returns the
     * heads of the new folios, in address order.
     */
    public long[] splitFolioAt(long head, long at, int refsPerPage) {
        int h = (int) head;
        int o = ord(h);
        if (o == 0 || at < head || at >= head + (1L << o)) throw new IllegalArgumentException("page " + at + " not in a large folio at " + head);
        int n = 1 << o;
        for (int i = h; i < h + n; i++) {
            if (mapcount(i) != 0) throw new IllegalStateException("splitting a mapped folio at pfn " + head);
        }
        if (entireMapcount(head) != 0) throw new IllegalStateException("splitting a PMD-mapped folio at pfn " + head);
        short folioFlags = (short) (flags[h] & 0xff);
        Mapping fm = folioMapping(head);
        long[] heads = new long[o + 1];
        int[] orders = new int[o + 1];
        int k = 0;
        long base = head;
        for (int q = o; q > 0; q--) {
            long half = 1L << (q - 1);
            if (at < base + half) {
                heads[k] = base + half;
            } else {
                heads[k] = base;
                base += half;
            }
            orders[k++] = q - 1;
        }
        heads[k] = base;
        orders[k] = 0;
        for (int j = 0; j <= o; j++) {
            int ph = (int) heads[j];
            int pn = 1 << orders[j];
            short orderBits = (short) (orders[j] << ORDER_SHIFT);
            for (int i = ph; i < ph + pn; i++) {
                touched(i);
                flags[i] = (short) ((flags[i] & (PG_ANON_EXCLUSIVE | PG_CONTENT_ARRAY)) | PG_TAIL | orderBits);
                refcount[i] = 0;
            }
            flags[ph] = (short) ((flags[ph] & (PG_ANON_EXCLUSIVE | PG_CONTENT_ARRAY)) | folioFlags | orderBits);
            refcount[ph] = refsPerPage * pn;
            if (fm != null) setFolioMapping(ph, fm.owner(), fm.index() + (ph - head));
        }
        counters.inc(Event.FOLIO_SPLIT);
        Arrays.sort(heads);
        return heads;
    }

    // ---- folio metadata ---------------------------------------------------------------------------

    private int ord(int pfn) { return flags[pfn] >> ORDER_SHIFT & ORDER_MASK; }

    public int folioOrder(long pfn) { return ord((int) pfn); }

    public int folioNrPages(long pfn) { return 1 << ord((int) pfn); }

    public long folioHead(long pfn) { return pfn & ~((1L << ord((int) pfn)) - 1); }

    public boolean isAllocatedHead(long pfn) { return pfn < flags.length && (flags[(int) pfn] & PG_FOLIO) != 0; }

    /** True if the page belongs to an allocated folio (head or tail). */
    public boolean isInUse(long pfn) {
        if (pfn < 0 || pfn >= buddy.highWater()) return false;
        return (flags[(int) folioHead(pfn)] & PG_FOLIO) != 0;
    }

    public boolean isReserved(long pfn) { return (flags[(int) folioHead(pfn)] & PG_RESERVED) != 0; }

    public boolean folioTest(long head, short flag) { return (flags[(int) head] & flag) != 0; }

    public void folioSet(long head, short flag) {
        touched(head);
        flags[(int) head] |= flag;
    }

    public void folioClear(long head, short flag) {
        touched(head);
        flags[(int) head] &= (short) ~flag;
    }

    public boolean pageAnonExclusive(long pfn) { return (flags[(int) pfn] & PG_ANON_EXCLUSIVE) != 0; }

    /**
     * The number of pages from {@code pfn} (at least 1, at most {@code max}) whose PageAnonExclusive equals that of
     * {@code pfn}: the sub-batches of equal exclusivity that batched mprotect and swap-out work in.
     */
    public int anonExclusiveRun(long pfn, int max) {
        short[] f = flags;
        int p = (int) pfn;
        int want = f[p] & PG_ANON_EXCLUSIVE;
        // All equal (the rule): one pass with no exit tells, the sum of the bits being none or all of them (a sum is
        // the reduction the JIT vectorises best; max is at most a PMD's pages, far from overflow).
        int sum = 0;
        for (int i = p; i < p + max; i++) sum += f[i] & PG_ANON_EXCLUSIVE;
        if (sum == want * max) return max;
        int n = 1;
        while (n < max && (f[p + n] & PG_ANON_EXCLUSIVE) == want) n++;
        return n;
    }

    public void setPageAnonExclusive(long pfn, boolean on) {
        if (on) flags[(int) pfn] |= PG_ANON_EXCLUSIVE; else flags[(int) pfn] &= (short) ~PG_ANON_EXCLUSIVE;
    }

    public int refcount(long head) { return refcount[(int) head]; }

    /** folio_ref_add (n may be negative); returns the new count. */
    public int refAdd(long head, int n) {
        touched(head);
        return refcount[(int) head] += n;
    }

    /** PTE mappings of one page. */
    public int mapcount(long pfn) {
        short m = mapcount[(int) pfn];
        return m != MAPCOUNT_SPILLED ? m : bigMapcount.get(pfn);
    }

    /** Adds n PTE mappings to each of nr consecutive pages of one folio, keeping the folio-wide large mapcount. */
    public void mapcountAdd(long pfn, int nr, int n) {
        touched(pfn);
        int p = (int) pfn;
        for (int i = p; i < p + nr; i++) {
            short m = mapcount[i];
            int v = m + n;
            if (m != MAPCOUNT_SPILLED && v > MAPCOUNT_SPILLED && v <= Short.MAX_VALUE) mapcount[i] = (short) v;
            else spillMapcount(i, n);
        }
        long head = folioHead(pfn);
        if (ord(p) > 0) refcount[(int) head + 1] += nr * n;
    }

    /**
     * Drops one PTE mapping from each of nr consecutive pages of one folio (the mapcount part of
     * folio_remove_rmap_ptes): a page left with no mapping stops being PageAnonExclusive. The folio-wide large
     * mapcount drops by nr. One pass over the pages.
     */
    public void unmapPtes(long pfn, int nr) { unmapPtes(pfn, nr, false); }

    /**
     * {@link #unmapPtes(long, int)}, the pages first losing PageAnonExclusive when {@code unshare} (the sharing of
     * folio_try_share_anon_rmap_ptes followed by the removal, in one pass).
     */
    public void unmapPtes(long pfn, int nr, boolean unshare) {
        int p = (int) pfn;
        short[] f = flags;
        short[] mc = mapcount;
        if (unshare) {
            // Every page loses PageAnonExclusive whatever its count: when no count is spilled or about to be (the
            // rule), two simple loops.
            int low = 0;
            for (int i = p; i < p + nr; i++) {
                short m = mc[i];
                low |= Short.MIN_VALUE + 1 - m >>> 31 ^ 1; // 1 if m <= MIN + 1
                mc[i] = (short) (m - 1);
            }
            if (low == 0) {
                for (int i = p; i < p + nr; i++) f[i] &= (short) ~PG_ANON_EXCLUSIVE;
                if (ord(p) > 0) refcount[(int) folioHead(pfn) + 1] -= nr;
                return;
            }
            for (int i = p; i < p + nr; i++) mc[i]++; // undone: the general loop below takes them
        }
        for (int i = p; i < p + nr; i++) {
            short m = mc[i];
            if (m > Short.MIN_VALUE + 1) {
                // the common case: the count stays in the short (a spilled page reads MAPCOUNT_SPILLED)
                mc[i] = (short) (m - 1);
                if (m == 1 || unshare) f[i] &= (short) ~PG_ANON_EXCLUSIVE;
            } else {
                spillMapcount(i, -1);
                if (unshare || mapcount(i) == 0) f[i] &= (short) ~PG_ANON_EXCLUSIVE;
            }
        }
        if (ord(p) > 0) refcount[(int) folioHead(pfn) + 1] -= nr;
    }

    /**
     * {@link #unmapPtes(long, int, boolean)} of every page of a large folio that has no mapping but these, one PTE
     * per page (its large mapcount is its number of pages, and the mapcounts of its pages, each mapped, add up to it:
     * each is 1): every count becomes 0 and every page loses PageAnonExclusive, without reading the counts.
     * IllegalStateException if the large mapcount says otherwise.
     */
    public void unmapFolioPtes(long head) {
        int h = (int) head;
        int n = 1 << ord(h);
        if (n == 1 || refcount[h + 1] != n) throw new IllegalStateException("folio " + head + " has other mappings");
        short[] f = flags;
        short[] mc = mapcount;
        for (int i = h; i < h + n; i++) {
            mc[i] = 0;
            f[i] &= (short) ~PG_ANON_EXCLUSIVE;
        }
        refcount[h + 1] = 0;
    }

    private void spillMapcount(int pfn, int n) {
        int v = mapcount(pfn) + n;
        if (v > MAPCOUNT_SPILLED && v <= Short.MAX_VALUE) {
            bigMapcount.remove((long) pfn);
            mapcount[pfn] = (short) v;
        } else {
            bigMapcount.put((long) pfn, v);
            mapcount[pfn] = MAPCOUNT_SPILLED;
        }
    }

    /** Folio-wide mapcount of a large folio (the sum of its pages' PTE mappings plus 512 per PMD mapping). */
    public int largeMapcount(long head) { return ord((int) head) > 0 ? refcount[(int) head + 1] : mapcount(head); }

    /**
     * Adds PMD mappings: counted as the folio's "entire" mapping, which the large mapcount includes per page. Only
     * a folio of order 2 or more can be mapped whole (its second tail page keeps the count).
     */
    public void entireMapcountAdd(long head, int n) {
        int h = (int) head;
        int o = ord(h);
        if (o < 2) throw new IllegalStateException("entire mapping of an order-" + o + " folio at pfn " + head);
        touched(head);
        refcount[h + 1] += n * (1 << o);
        refcount[h + 2] += n;
    }

    /**
     * folio-&gt;mapping and folio-&gt;index: the reverse-mapping owner of a folio (an anon_vma for anonymous
     * folios, the shared object for shmem) and the page offset of its first page there. Only live folios have one.
     */
    public record Mapping(Object owner, long index) {}

    /** The owner and index of a folio, or null (set when it is first mapped or added to a page cache). */
    public Mapping folioMapping(long head) {
        int w = mapping[(int) head];
        if (w == 0) return null;
        if (w == MAPPING_OVERFLOW) return overflow.get(head);
        return new Mapping(owners.owner(w), owners.index(w));
    }

    /** Sets folio-&gt;mapping and folio-&gt;index (folio_add_new_anon_rmap, folio_move_anon_rmap, page-cache add). */
    public void setFolioMapping(long head, Object owner, long index) {
        touched(head);
        int w = owners.acquire(owner, index);
        clearFolioMapping(head);
        mapping[(int) head] = w;
        if (w == MAPPING_OVERFLOW) putOverflow(head, owner, index);
    }

    private void clearFolioMapping(long head) {
        int h = (int) head;
        int w = mapping[h];
        if (w == 0) return;
        if (w == MAPPING_OVERFLOW) removeOverflow(head); else owners.release(w);
        mapping[h] = 0;
    }

    // The owner table's overflow (rare: a full table) in methods of their own, out of the hot paths the JIT inlines.
    private void putOverflow(long head, Object owner, long index) { overflow.put(head, new Mapping(owner, index)); }

    private void removeOverflow(long head) { overflow.remove(head); }

    /** PMD mappings of a folio. */
    public int entireMapcount(long head) {
        int h = (int) head;
        return ord(h) >= 2 ? refcount[h + 2] : 0;
    }

    // ---- contents ----------------------------------------------------------------------------------

    /** True if every byte of the page is zero (memchr_inv(page, 0) == NULL). */
    public boolean pageZeroFilled(long pfn) {
        byte[] a = arrayOrNull(pfn);
        if (a == null) return fillByte(pfn) == 0;
        for (byte x : a) if (x != 0) return false;
        return true;
    }

    /** Sets every byte of a page to b. */
    public void fillPage(long pfn, int b) {
        int p = (int) pfn;
        if ((flags[p] & PG_CONTENT_ARRAY) != 0) dropContentArray(p);
        fill[p] = (byte) b;
    }

    /** Forgets a page's content array (rare; out of {@link #fillPage}, which the JIT inlines into page loops). */
    private void dropContentArray(int p) {
        pages.remove((long) p);
        flags[p] &= (short) ~PG_CONTENT_ARRAY;
    }

    /** Sets bytes [off, off+len) of a page to b. */
    public void fillRange(long pfn, int off, int len, int b) {
        if (off == 0 && len == PAGE_SIZE) {
            fillPage(pfn, b);
            return;
        }
        int p = (int) pfn;
        if ((flags[p] & PG_CONTENT_ARRAY) == 0 && fill[p] == (byte) b) return;
        Arrays.fill(materialize(pfn), off, off + len, (byte) b);
    }

    /** The writable bytes of a page (allocating its array on first need). */
    public byte[] materialize(long pfn) {
        int p = (int) pfn;
        if ((flags[p] & PG_CONTENT_ARRAY) != 0) return pages.get(pfn);
        byte[] a = new byte[PAGE_SIZE];
        if (fill[p] != 0) Arrays.fill(a, fill[p]);
        pages.put(pfn, a);
        flags[p] |= PG_CONTENT_ARRAY;
        return a;
    }

    /** The bytes of a page if it has an array, else null (then every byte equals {@link #fillByte}). */
    public byte[] arrayOrNull(long pfn) {
        return (flags[(int) pfn] & PG_CONTENT_ARRAY) != 0 ? pages.get(pfn) : null;
    }

    /** The fill byte of a page without an array. */
    public int fillByte(long pfn) { return fill[(int) pfn] & 0xff; }

    public int readByte(long pfn, int off) {
        byte[] a = arrayOrNull(pfn);
        return (a != null ? a[off] : fill[(int) pfn]) & 0xff;
    }

    public void writeByte(long pfn, int off, int v) {
        byte[] a = arrayOrNull(pfn);
        if (a == null && fill[(int) pfn] == (byte) v) return;
        if (a == null) a = materialize(pfn);
        a[off] = (byte) v;
    }

    /** Copies the contents of one page to another (copy_user_highpage). */
    public void copyPage(long dst, long src) {
        byte[] a = arrayOrNull(src);
        if (a == null) fillPage(dst, fill[(int) src]);
        else System.arraycopy(a, 0, materialize(dst), 0, PAGE_SIZE);
    }

    /** Bytes of heap used by page arrays (for memory reports). */
    public long contentArrayBytes() { return (long) pages.size() * (PAGE_SIZE + 16); }

    /** Bytes of heap used by per-frame arrays. */
    public long frameArrayBytes() { return (long) flags.length * (2 + 2 + 4 + 4 + 1); }

    /** Entries of the owner table behind folio mappings, and folios whose mapping overflowed it (for tests). */
    int ownerEntries() { return owners.size() + overflow.size(); }
}
