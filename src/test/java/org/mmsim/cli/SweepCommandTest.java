package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    record Result(int status, String out, String err) { }

    static Result mmsim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MmsimCommand.execute(args, new PrintWriter(out), new PrintWriter(err), BackendFactory.standard(), false);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void badArgumentsAreUsageErrorsWithAMessage() {
        Result r = mmsim("sweep", "--shard", "0/2");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("1 <= i <= N"), r.err());
        r = mmsim("sweep", "--folio", "3K");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("--folio"), r.err());
        r = mmsim("sweep", "--workload", "seed999");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("known: seed000"), r.err());
        r = mmsim("sweep", "--kernel", "patched,-nope");
        assertEquals(Exit.USAGE, r.status());
        r = mmsim("bench", "--only", "nope");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("unknown section 'nope'"), r.err());
        r = mmsim("bench", "--bulk-arch", "mips");
        assertEquals(Exit.USAGE, r.status());
    }

    @Test
    void shardsWrittenToFilesMergeIntoTheWholeSweep(@TempDir Path dir) throws Exception {
        String[] grid = {"--workload", "seed003,bigheap", "--arch", "arm64", "--folio", "4K,64K", "--size", "2M",
            "-p", "STEPS=5", "--jobs", "2"};
        Result whole = mmsim(concat(new String[] {"sweep"}, grid));
        assertEquals(Exit.OK, whole.status(), whole.err());
        for (int i = 1; i <= 3; i++) {
            Result r = mmsim(concat(new String[] {"sweep"}, grid, new String[] {"--shard", i + "/3",
                "--format", i == 2 ? "json" : "csv", "-o", dir.resolve("part" + i).toString()}));
            assertEquals(Exit.OK, r.status(), r.err());
        }
        Result merged = mmsim("sweep", "merge", dir.resolve("part1").toString(), dir.resolve("part2").toString(),
                dir.resolve("part3").toString());
        assertEquals(Exit.OK, merged.status(), merged.err());
        // identical but for the wall time column
        assertEquals(withoutWall(whole.out()), withoutWall(merged.out()));
        Result missing = mmsim("sweep", "merge", dir.resolve("part1").toString());
        assertTrue(missing.err().contains("missing"), missing.err());
        Files.writeString(dir.resolve("bad"), "not a sweep\n");
        assertEquals(Exit.USAGE, mmsim("sweep", "merge", dir.resolve("bad").toString()).status());
    }

    private static List<String> withoutWall(String csv) {
        return csv.lines().map(l -> l.replaceFirst("^((?:[^,]*,){9})[^,]*", "$1")).toList();
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
