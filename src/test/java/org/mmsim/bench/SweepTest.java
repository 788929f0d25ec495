package org.mmsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SweepTest {
    private static Sweep.Grid grid() {
        return new Sweep.Grid(List.of("seed000", "seed003", "bigheap"), List.of("x86_64", "arm64"),
                List.of("baseline", "patched,-mremap-batch-hint"), List.of(4096L, 65536L), List.of(1L << 20, 4L << 20),
                Map.of("LOOPS", 2L, "STEPS", 10L));
    }

    @Test
    void theGridCollapsesTheSizeAxisForScriptsWithoutSize() {
        List<Sweep.Config> all = grid().configs();
        // seed000 and seed003 have SIZE: 2 x 2 x 2 x 2 each; bigheap has none: 2 x 2 x 2
        assertEquals(16 + 16 + 8, all.size());
        for (int i = 0; i < all.size(); i++) assertEquals(i, all.get(i).index());
        assertTrue(all.stream().filter(c -> c.workload().equals("bigheap")).allMatch(c -> c.size() == -1));
    }

    @Test
    void shardsPartitionTheGrid() {
        List<Sweep.Config> all = grid().configs();
        Set<Integer> seen = new HashSet<>();
        for (int i = 1; i <= 3; i++) for (Sweep.Config c : Sweep.shard(all, i, 3)) assertTrue(seen.add(c.index()));
        assertEquals(all.size(), seen.size());
        assertThrows(IllegalArgumentException.class, () -> Sweep.shard(all, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Sweep.shard(all, 4, 3));
    }

    @Test
    void parallelRunsGiveTheSameCountersAsSerialOnes() {
        List<Sweep.Config> configs = grid().configs();
        Map<String, Long> params = grid().params();
        List<Sweep.Outcome> serial = Sweep.run(configs, params, 1);
        List<Sweep.Outcome> parallel = Sweep.run(configs, params, 4);
        for (int i = 0; i < configs.size(); i++) {
            assertEquals("ok", serial.get(i).status(), serial.get(i).config().toString());
            assertEquals(serial.get(i).status(), parallel.get(i).status());
            assertEquals(serial.get(i).counters(), parallel.get(i).counters(), configs.get(i).toString());
        }
    }

    @Test
    void theFolioAxisChangesWhatFaultsAllocate() {
        List<Sweep.Config> configs = List.of(
                new Sweep.Config(0, "seed000", "x86_64", "patched", 4096, 1L << 20),
                new Sweep.Config(1, "seed000", "x86_64", "patched", 65536, 1L << 20));
        List<Sweep.Outcome> out = Sweep.run(configs, Map.of("LOOPS", 1L), 1);
        assertEquals(0L, out.get(0).counters().get("FOLIO_ALLOC_4"), "4K folios: no 64K allocation");
        assertEquals(16L, out.get(1).counters().get("FOLIO_ALLOC_4"), "1 MiB in 64K folios");
    }

    @Test
    void shardOutputsMergeBackInConfigOrderThroughCsvAndJson() {
        List<Sweep.Config> all = grid().configs().subList(0, 6);
        List<List<Map<String, Object>>> parts = new ArrayList<>();
        List<Sweep.Outcome> whole = Sweep.run(all, grid().params(), 2);
        for (int i = 1; i <= 2; i++) {
            List<Sweep.Outcome> shard = Sweep.run(Sweep.shard(all, i, 2), grid().params(), 1);
            List<Map<String, Object>> rows = SweepTable.rows(shard);
            String text = i == 1 ? SweepTable.csv(rows) : SweepTable.json(rows);
            parts.add(SweepTable.parse("part" + i, text));
        }
        List<Long> missing = new ArrayList<>();
        List<Map<String, Object>> merged = SweepTable.merge(parts, missing);
        assertTrue(missing.isEmpty());
        assertEquals(all.size(), merged.size());
        List<Map<String, Object>> expected = SweepTable.rows(whole);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(String.valueOf(i), String.valueOf(merged.get(i).get("index")));
            // the kernel spec has a comma: CSV quoting must keep it one field
            assertEquals(expected.get(i).get("kernel"), merged.get(i).get("kernel"));
            assertEquals(String.valueOf(expected.get(i).get("PTE_WRITE")), String.valueOf(merged.get(i).get("PTE_WRITE")));
        }
    }

    @Test
    void mergeRefusesDuplicatesAndReportsGaps() {
        List<Map<String, Object>> a = List.of(Map.of("index", "0"), Map.of("index", "3"));
        List<Long> missing = new ArrayList<>();
        assertEquals(2, SweepTable.merge(List.of(a), missing).size());
        assertEquals(List.of(1L, 2L), missing);
        assertThrows(IllegalArgumentException.class, () -> SweepTable.merge(List.of(a, a), new ArrayList<>()));
        assertThrows(IllegalArgumentException.class, () -> SweepTable.parse("x.csv", "a,b\n1,2\n"));
    }
}
