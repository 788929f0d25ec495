package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.mmsim.workload.Backends;

/** {@code mmsim difftest} in process, model against model. */
class DifftestCommandTest {
    record Result(int status, String out, String err) { }

    static Result mmsim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MmsimCommand.execute(args, new PrintWriter(out), new PrintWriter(err), Backends::sim, false);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void agreeingFeatureSetsExitZeroWithZeroDivergences() {
        Result r = mmsim("difftest", "--seed", "3", "--ops", "300", "--against", "sim:baseline:arm64");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("difftest: seed 3: 300 of 300 calls compared in 2 runs"), r.out());
        assertTrue(r.out().trim().endsWith("0 divergences"), r.out());
        assertTrue(r.out().contains("mremap:"), "the tally of answers is printed: " + r.out());
    }

    @Test
    void badReferenceArchOrCountIsAUsageError() {
        Result r = mmsim("difftest", "--against", "qemu");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("unknown reference 'qemu'"), r.err());
        assertEquals(Exit.USAGE, mmsim("difftest", "--arch", "riscv", "--against", "sim").status());
        assertEquals(Exit.USAGE, mmsim("difftest", "--against", "sim:nosuchfeature").status());
        assertEquals(Exit.USAGE, mmsim("difftest", "--ops", "-1", "--against", "sim").status());
    }
}
