package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.Script;

/**
 * The fork/COW matrix of the kernel selftest tools/testing/selftests/mm/cow.c ("Basic COW after fork()" with and
 * without the mprotect() optimization) as the scripts under examples/cow/: every memory shape, every mTHP size
 * (16K .. 2M; the PMD-mapped THP run only at 2M, as cow.c does), both architectures, with the invariant checker
 * after every call. Every expect must hold: the child keeps seeing the old data after the parent writes.
 */
class CowMatrixTest {
    static final String[] SIZES = {"16K", "32K", "64K", "128K", "256K", "512K", "1M", "2M"};

    static Stream<Arguments> runs() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("examples/cow"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".mms")).sorted().toList()) {
                Script s = Script.parse(p.toString(), Files.readString(p), Language.standard());
                List<String> sizes = !s.params().contains("THP") ? List.of("")
                        : p.getFileName().toString().equals("thp.mms") ? List.of("2M") : List.of(SIZES);
                for (String size : sizes) {
                    for (String mprotect : new String[] {"0", "1"}) {
                        for (String arch : new String[] {"x86_64", "arm64"}) out.add(Arguments.of(p.toString(), size, mprotect, arch));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} THP={1} MPROTECT={2} {3}")
    @MethodSource("runs")
    void childStillSeesTheOldDataAfterTheParentWrites(String file, String size, String mprotect, String arch) {
        List<String> args = new ArrayList<>(List.of("run", file, "--arch", arch, "--check", "-p", "MPROTECT=" + mprotect));
        if (!size.isEmpty()) args.addAll(List.of("-p", "THP=" + size));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MmsimCommand.execute(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err),
                BackendFactory.standard(), false);
        assertEquals(0, status, () -> String.join(" ", args) + "\n" + err + out);
        assertTrue(out.toString().contains(" 0 failed"), out::toString);
        assertTrue(out.toString().matches("(?s).*FORK\\s+[1-9].*"), "the run forked");
    }
}
