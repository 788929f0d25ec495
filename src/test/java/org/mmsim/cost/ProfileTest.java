package org.mmsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;

/** Profile files: the shipped ones are complete and sourced; a bad one is refused with a message naming the field. */
class ProfileTest {
    @TempDir
    Path dir;

    static final String GOOD = """
            {"name": "p", "arch": "x86_64", "machine": "m", "about": "a",
             "tlb_flush_rules": {"full_flush_above_pages": 33, "rule": "r", "source": "s"},
             "costs": {"PTE_READ": {"ns": 1.5, "source": "manual"}, "TLBI": {"ns": 100, "source": "tlb.c"}}}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"arm64-m3", "x86_64-baremetal"})
    void shippedProfilesPriceEveryEventWithASourceAndMatchTheModelsTlbRules(String name) throws ProfileError {
        Profile p = Profile.builtin(name);
        assertEquals(List.of(), p.unpriced(), "every event has a cost");
        for (Event e : Event.values()) assertTrue(!p.cost(e).source().isBlank(), e + " has a source");
        assertNull(p.tlb().check(Arch.byName(p.arch())), "the profile's TLB rule is the model's");
        assertNotNull(p.fit(), name + " says what it is fitted to");
    }

    @Test
    void theCheckedInHostProfileLoadsAndIsComplete() throws ProfileError {
        Path host = Path.of("profiles/x86_64-host.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(host), "profiles/x86_64-host.json not present in this checkout");
        Profile p = Profile.load(host);
        assertEquals("x86_64", p.arch());
        assertEquals(List.of(), p.unpriced());
        assertNull(p.tlb().check(Arch.X86_64));
    }

    @Test
    void aGoodFileParsesAndRoundTrips() throws ProfileError {
        Profile p = Profile.parse("good.json", GOOD);
        assertEquals(1.5, p.cost(Event.PTE_READ).ns());
        assertEquals("tlb.c", p.cost(Event.TLBI).source());
        assertEquals(Event.COUNT - 2, p.unpriced().size());
        Profile again = Profile.parse("again.json", p.toJson());
        assertEquals(p, again);
    }

    @Test
    void aProfileWhoseTlbRuleDiffersFromTheModelIsCaught() throws ProfileError {
        Profile p = Profile.parse("p.json", GOOD.replace("\"full_flush_above_pages\": 33", "\"full_flush_above_pages\": 64"));
        assertNotNull(p.tlb().check(Arch.X86_64));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json|not valid JSON at line 1",
        "{\"name\": 1}|missing or empty text field 'name'",
        "ARCH:riscv|arch 'riscv' is not a model architecture",
        "COST:\"PTE_READ\": {\"ns\": -1, \"source\": \"x\"}|costs.PTE_READ.ns must be finite and not negative",
        "COST:\"PTE_READ\": {\"ns\": \"fast\", \"source\": \"x\"}|costs.PTE_READ.ns must be a number",
        "COST:\"PTE_READ\": {\"ns\": 1}|missing or empty text field 'costs.PTE_READ.source'",
        "COST:\"NO_SUCH_EVENT\": {\"ns\": 1, \"source\": \"x\"}|costs names an unknown event 'NO_SUCH_EVENT'",
        "FIT:{\"rows\": [\"000\"], \"free\": [\"PMD_MOVE\"], \"why\": \"w\"}|fit.free names PMD_MOVE, which has no starting cost",
        "FIT:{\"rows\": [\"000\"], \"free\": [], \"why\": \"w\"}|fit.rows and fit.free must both be empty or both be given",
    })
    void aBadFileIsRefusedWithAMessageNamingTheField(String caseText) {
        String[] parts = caseText.split("\\|", 2);
        String text;
        if (parts[0].startsWith("ARCH:")) text = GOOD.replace("\"x86_64\"", "\"" + parts[0].substring(5) + "\"");
        else if (parts[0].startsWith("COST:")) text = GOOD.replace("\"PTE_READ\": {\"ns\": 1.5, \"source\": \"manual\"}", parts[0].substring(5));
        else if (parts[0].startsWith("FIT:")) text = GOOD.replace("\"costs\":", "\"fit\": " + parts[0].substring(4) + ", \"costs\":");
        else text = parts[0];
        ProfileError e = assertThrows(ProfileError.class, () -> Profile.parse("bad.json", text));
        assertTrue(e.getMessage().startsWith("bad.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
    }

    @Test
    void aMissingFileOrBuiltinIsAClearError() {
        ProfileError e = assertThrows(ProfileError.class, () -> Profile.load(dir.resolve("nope.json")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        ProfileError b = assertThrows(ProfileError.class, () -> Profile.builtin("vax"));
        assertTrue(b.getMessage().contains("no built-in profile 'vax'"), b.getMessage());
    }
}
