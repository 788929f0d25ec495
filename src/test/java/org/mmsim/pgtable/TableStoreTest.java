package org.mmsim.pgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Counters;

/**
 * The emptiness check of freed tables: made when a pooled table is taken again (while verifying: the invariant
 * checker is on), or at the free when the pool is full.
 */
class TableStoreTest {
    static TableStore verifying() {
        TableStore s = new TableStore(new Counters());
        s.verifyReuse(true);
        return s;
    }

    @Test
    void aTableFreedWithAnEntryIsCaughtWhenTheAllocatorTakesItAgain() {
        TableStore s = verifying();
        int id = s.alloc();
        s.get(id)[511] = 1;
        s.free(id);
        assertThrows(IllegalStateException.class, s::alloc);
    }

    @Test
    void aPooledTableWithEntriesIsCountedForTheFullCheckBeforeAnyReuse() {
        TableStore s = new TableStore(new Counters());
        int a = s.alloc();
        int b = s.alloc();
        s.get(a)[0] = 1;
        s.free(a);
        s.free(b);
        assertEquals(1, s.dirtyPooled());
    }

    @Test
    void aTableWrittenAfterItsFreeIsCaughtToo() {
        TableStore s = verifying();
        int id = s.alloc();
        long[] stale = s.get(id);
        s.free(id);
        stale[3] = 7;
        assertThrows(IllegalStateException.class, s::alloc);
    }

    @Test
    void withoutVerifyingAReusedTableIsNotRead() {
        // the checker off: no check at reuse (the full check of a checked run would count the table)
        TableStore s = new TableStore(new Counters());
        int id = s.alloc();
        s.get(id)[511] = 1;
        s.free(id);
        int again = s.alloc();
        assertEquals(1, s.get(again)[511]);
        s.verifyReuse(true);
        s.get(again)[511] = 0;
        s.free(again);
        s.get(s.alloc())[0] = 0;
        int dirty = s.alloc();
        s.get(dirty)[1] = 1;
        s.free(dirty);
        assertThrows(IllegalStateException.class, s::alloc);
    }

    @Test
    void emptyTablesComeBackZeroed() {
        TableStore s = new TableStore(new Counters());
        int id = s.alloc();
        s.get(id)[5] = 9;
        s.get(id)[5] = 0;
        s.free(id);
        int again = s.alloc();
        assertEquals(0, java.util.Arrays.stream(s.get(again)).filter(e -> e != 0).count());
    }

    @Test
    void aTableThePoolHasNoRoomForIsCheckedAtItsFree() {
        TableStore s = new TableStore(new Counters());
        int[] ids = new int[1025];
        for (int k = 0; k < ids.length; k++) ids[k] = s.alloc();
        for (int k = 0; k < 1024; k++) s.free(ids[k]); // fills the pool
        s.get(ids[1024])[0] = 1;
        assertThrows(IllegalStateException.class, () -> s.free(ids[1024]));
    }
}
