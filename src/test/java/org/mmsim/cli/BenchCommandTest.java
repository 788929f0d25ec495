package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void workloadOptionsAreCheckedWithAMessage() {
        SweepCommandTest.Result r = SweepCommandTest.mmsim("bench", "--only", "workloads", "--target", "mips");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("unknown target 'mips'; known: x86_64, arm64, host"), r.err());
        r = SweepCommandTest.mmsim("bench", "--only", "workloads", "--workload", "seed999");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("known: seed000"), r.err());
        r = SweepCommandTest.mmsim("bench", "--only", "workloads", "--jvms", "0");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("--jvms must be at least 1"), r.err());
        r = SweepCommandTest.mmsim("bench", "--only", "workloads", "--warm-runs", "-1");
        assertEquals(Exit.USAGE, r.status());
    }

    @Test
    void inProcessWorkloadRunsReportEveryRunAndTheirMedian() throws Exception {
        SweepCommandTest.Result r = SweepCommandTest.mmsim("bench", "--only", "workloads", "--in-process", "--quick",
                "--workload", "bigheap", "--target", "arm64", "--warm-runs", "3", "--json");
        assertEquals(Exit.OK, r.status(), r.err());
        JsonNode row = new ObjectMapper().readTree(r.out()).get("workloads").get(0);
        assertEquals("bigheap", row.get("workload").asText());
        assertEquals(100, row.get("params").get("STEPS").asLong());
        JsonNode t = row.get("targets").get("arm64");
        assertEquals(4, t.get("runs_ns").size(), "one cold run and three warm runs");
        assertEquals(t.get("runs_ns").get(0).asLong(), t.get("cold_ns").asLong());
        long[] warm = {t.get("runs_ns").get(1).asLong(), t.get("runs_ns").get(2).asLong(), t.get("runs_ns").get(3).asLong()};
        java.util.Arrays.sort(warm);
        assertEquals(warm[1], t.get("warm_ns").asLong());
        assertTrue(t.get("ok").asBoolean());
        assertTrue(row.get("model_over_host_cold").isNull(), "no host target, no ratio");
    }

    @Test
    void theScalingTableMeasuresSharedMemoryWhenAsked() throws Exception {
        SweepCommandTest.Result r = SweepCommandTest.mmsim("bench", "--only", "scaling", "--shared", "--folio", "4K",
                "--max-size", "1M", "--json");
        assertEquals(Exit.OK, r.status(), r.err());
        JsonNode row = new ObjectMapper().readTree(r.out()).get("scaling").get(0);
        assertTrue(row.get("shared").asBoolean());
        assertEquals(4096, row.get("folio").asLong());
        assertEquals(256, row.get("pages").asLong());
        r = SweepCommandTest.mmsim("bench", "--only", "scaling", "--shared", "--folio", "4K", "--max-size", "1M");
        assertTrue(r.out().contains("4K folios, shared anonymous memory (shmem)"), r.out());
    }
}
