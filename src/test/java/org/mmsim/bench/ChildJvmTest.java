package org.mmsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {
    @Test
    void childGetsTheAotCacheOfItsArchitectureWhenItExists(@TempDir Path dir) throws IOException {
        Path x86 = Files.createFile(dir.resolve("mmsim-x86_64.aot"));
        String parent = "-XX:AOTCache=" + x86;
        // no arm64 cache yet: the parent's is kept (a wrong profile costs speed, not correctness)
        assertEquals(parent, ChildJvm.aotCacheFor("arm64", parent));
        Path arm = Files.createFile(dir.resolve("mmsim-arm64.aot"));
        assertEquals("-XX:AOTCache=" + arm, ChildJvm.aotCacheFor("arm64", parent));
        assertEquals(parent, ChildJvm.aotCacheFor("x86_64", parent));
        assertEquals(parent, ChildJvm.aotCacheFor("host", parent));
        // other options and caches that are not the launcher's are passed on as they are
        assertEquals("-Xmx2g", ChildJvm.aotCacheFor("arm64", "-Xmx2g"));
        assertEquals("-XX:AOTCache=" + dir.resolve("app.aot"),
                ChildJvm.aotCacheFor("arm64", "-XX:AOTCache=" + dir.resolve("app.aot")));
    }

    @Test
    void aSteadyStateChildRunsWithoutTheCachedProfilesAndRunsTheMainClass() {
        java.util.List<String> plain = ChildJvm.command("x86_64", java.util.List.of("bench", "--json"), false);
        java.util.List<String> steady = ChildJvm.command("x86_64", java.util.List.of("bench", "--json"), true);
        int main = steady.indexOf("org.mmsim.cli.Main");
        org.junit.jupiter.api.Assertions.assertTrue(main > 0, steady.toString());
        assertEquals(java.util.List.of("bench", "--json"), steady.subList(main + 1, steady.size()));
        int unlock = steady.indexOf("-XX:+UnlockDiagnosticVMOptions");
        int replay = steady.indexOf("-XX:-AOTReplayTraining");
        org.junit.jupiter.api.Assertions.assertTrue(unlock >= 0 && unlock < replay && replay < main, steady.toString());
        org.junit.jupiter.api.Assertions.assertFalse(plain.contains("-XX:-AOTReplayTraining"), plain.toString());
    }
}
