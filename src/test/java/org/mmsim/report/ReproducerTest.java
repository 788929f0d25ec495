package org.mmsim.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmsim.cost.CostModel;
import org.mmsim.cost.Profile;

/** reproduce --quick through the API: every experiment on every profile, and the shapes of its outputs. */
class ReproducerTest {
    static Reproducer.Result quick;
    static List<Experiment> experiments;
    static final List<String> PROFILES = List.of("arm64-m3", "x86_64-baremetal");

    @BeforeAll
    static void runQuick() throws Exception {
        experiments = Experiment.builtin();
        List<Profile> profiles = new ArrayList<>();
        for (String n : PROFILES) profiles.add(Profile.builtin(n));
        List<String> steps = new ArrayList<>();
        quick = new Reproducer(Path.of("examples"), profiles, experiments, true, (d, t, w) -> steps.add(w)).run();
        assertFalse(steps.isEmpty(), "progress was reported");
    }

    @Test
    void everySeedExperimentIsInThePublishedData() {
        Set<String> ids = experiments.stream().map(Experiment::id).collect(Collectors.toSet());
        assertEquals(Set.of("000", "001", "001-4K", "002-regression", "002-hotfix", "003", "004-T1", "004-T2", "004-T3"), ids);
        for (Experiment e : experiments) {
            assertFalse(e.published().isEmpty(), e.id() + " has published figures");
            for (var p : e.published()) assertFalse(p.quote().isBlank(), e.id() + " quotes its source");
        }
    }

    @Test
    void everyExperimentHasARowOnEveryProfile() {
        assertEquals(experiments.size() * PROFILES.size(), quick.rows().size());
        for (Experiment e : experiments) {
            for (String p : PROFILES) {
                assertTrue(quick.rows().stream().anyMatch(r -> r.experiment().equals(e.id()) && r.profile().equals(p)), e.id() + " on " + p);
            }
        }
    }

    @Test
    void eachModelledSideIsExactlyTheSumOfItsTerms() {
        for (Row r : quick.rows()) {
            if (!r.modelled()) continue;
            double sum = r.baseline().terms().stream().mapToDouble(CostModel.Term::ns).sum();
            assertEquals(sum, r.baseline().ns(), 1e-6 * sum);
            for (CostModel.Term t : r.patched().terms()) assertEquals(t.count() * t.costNs(), t.ns(), 1e-9 * Math.max(1, t.ns()));
        }
    }

    @Test
    void rowsSayWhatTheyAre() {
        for (Row r : quick.rows()) {
            if (!r.modelled()) {
                assertEquals("needs swap model", r.kind(), r.experiment() + " is the only experiment the model cannot run yet");
                continue;
            }
            if (Double.isNaN(r.publishedRatio())) assertEquals(Row.NO_PUBLISHED, r.kind());
        }
        Row fit = quick.rows().stream().filter(r -> r.experiment().equals("000") && r.profile().equals("arm64-m3")).findFirst().orElseThrow();
        assertEquals(Row.FIT, fit.kind(), "a row the profile is fitted to is marked fit");
        Row pred = quick.rows().stream().filter(r -> r.experiment().equals("004-T1") && r.profile().equals("arm64-m3")).findFirst().orElseThrow();
        assertEquals(Row.PREDICTION, pred.kind());
    }

    @Test
    void theSeedsMechanismsShowInTheBreakdown() {
        // 003: PTE moves replaced by PMD moves
        Row r003 = row("003", "x86_64-baremetal");
        assertTrue(r003.baseline().term("PTE_MOVE").count() > 0);
        assertEquals(0, r003.patched().term("PTE_MOVE").count());
        assertTrue(r003.patched().term("PMD_MOVE").count() > 0);
        // 002: the regression is folio look-ups on x86, the hotfix removes them
        assertEquals(0, row("002-regression", "x86_64-baremetal").baseline().term("FOLIO_LOOKUP").count());
        assertTrue(row("002-regression", "x86_64-baremetal").patched().term("FOLIO_LOOKUP").count() > 0);
        assertEquals(0, row("002-hotfix", "x86_64-baremetal").patched().term("FOLIO_LOOKUP").count());
        // 000 on arm64: fewer TLBIs and contpte gathers
        Row r000 = row("000", "arm64-m3");
        assertTrue(r000.patched().term("TLBI").count() < r000.baseline().term("TLBI").count());
        // 001: the batched unmap takes one swap reference and one TLB flush per 64K folio instead of one per page;
        // with 4K folios nothing can be batched
        Row r001 = row("001", "arm64-m3");
        assertTrue(r001.modelled(), "the swap model runs seed 001");
        assertEquals(16 * r001.patched().term("SWAP_DUP").count(), r001.baseline().term("SWAP_DUP").count());
        assertTrue(r001.patched().term("TLBI").count() < r001.baseline().term("TLBI").count());
        Row r001small = row("001-4K", "x86_64-baremetal");
        assertEquals(r001small.baseline().ns(), r001small.patched().ns(), 1e-9 * r001small.baseline().ns());
    }

    @Test
    void everyCountedEventIsPricedOnTheShippedProfiles() {
        for (Row r : quick.rows()) {
            if (!r.modelled()) continue;
            assertEquals(List.of(), r.baseline().unpriced(), r.experiment() + " on " + r.profile());
            assertEquals(List.of(), r.patched().unpriced(), r.experiment() + " on " + r.profile());
            assertFalse(r.note().contains("UNPRICED"), r.note());
        }
    }

    @Test
    void aStatedRatioWithoutTimesIsComparedByRatioOnly() {
        Row r = row("001-4K", "arm64-m3");
        assertTrue(Double.isNaN(r.publishedBaselineNs()) && Double.isNaN(r.publishedPatchedNs()), "the seed gives no times");
        assertFalse(r.hasPublishedTimes());
        assertEquals(1.0, r.publishedRatio());
        assertEquals(Row.PREDICTION, r.kind());
    }

    @Test
    void aPublishedEntryNeedsTimesOrAStatedRatioNotBoth() throws Exception {
        String base = """
                {"experiments": [{"id": "x", "title": "t", "seed": "s", "script": "seed001-pageout.mms", "scope": "pageout",
                  "unit": "u", "baseline": "baseline", "patched": "patched", "params": {"FOLIO": "4K"},
                  "published": [{"arch": "x86_64", "machine": "m", "quote": "q", %s}]}]}
                """;
        var mapper = new ObjectMapper();
        Experiment ok = Experiment.parse(mapper.readTree(base.formatted("\"ratio\": 1.0"))).getFirst();
        assertEquals(1.0, ok.published().getFirst().ratio());
        assertEquals(java.util.Map.of("FOLIO", "4K"), ok.params());
        for (String bad : List.of("\"ratio\": 1.0, \"baseline_ns\": 5, \"patched_ns\": 4", "\"baseline_ns\": 5", "\"profiles\": []")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Experiment.parse(mapper.readTree(base.formatted(bad))), bad);
            assertTrue(e.getMessage().contains("experiment x"), e.getMessage());
        }
    }

    @Test
    void csvHasAHeaderAndOneLinePerRow() {
        String[] lines = Tables.csv(quick).split("\n");
        assertTrue(lines[0].startsWith("experiment,profile,arch,baseline_ns,patched_ns,ratio,published_baseline_ns"), lines[0]);
        assertEquals(quick.rows().size() + 1, lines.length);
        int columns = lines[0].split(",").length;
        Pattern cell = Pattern.compile("\"(?:[^\"]|\"\")*\"|[^,]*");
        for (int i = 1; i < lines.length; i++) {
            Matcher m = cell.matcher(lines[i]);
            int n = 0;
            int pos = 0;
            while (pos <= lines[i].length() && m.find(pos)) {
                n++;
                pos = m.end() + 1;
            }
            assertEquals(columns, n, lines[i]);
        }
    }

    @Test
    void jsonHasRowsWithBreakdowns() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Tables.json(quick));
        assertTrue(root.get("quick").asBoolean());
        assertEquals(quick.rows().size(), root.get("rows").size());
        JsonNode r = root.get("rows").get(0);
        for (String f : List.of("experiment", "profile", "arch", "baseline_ns", "patched_ns", "ratio", "published_ratio", "kind", "note")) {
            assertTrue(r.has(f), f);
        }
        assertTrue(r.get("baseline_terms").size() > 0);
        assertTrue(r.get("baseline_terms").get(0).has("cost_ns"));
    }

    @Test
    void textTableListsEveryExperiment() {
        String t = Tables.text(quick);
        for (Experiment e : experiments) assertTrue(t.contains("\n" + e.id() + " "), e.id());
        assertFalse(t.contains("needs swap model"), "the swap model runs seed 001");
        assertFalse(t.contains("UNPRICED"), "every counted event is priced");
        assertTrue(t.startsWith("--quick"));
    }

    @Test
    void htmlReportReferencesChartsThatExist(@TempDir Path dir) throws Exception {
        Path index = HtmlReport.write(quick, dir);
        String html = Files.readString(index);
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int n = 0;
        while (m.find()) {
            Path chart = dir.resolve(m.group(1));
            assertTrue(Files.exists(chart), chart.toString());
            assertTrue(Files.readString(chart).startsWith("<svg"), chart.toString());
            n++;
        }
        assertTrue(n >= PROFILES.size() + 1, "a ratio chart per profile and breakdown charts");
        assertTrue(html.contains("ratio-arm64-m3.svg"));
        assertTrue(html.contains("breakdown-004-T1-arm64-m3.svg"));
        assertFalse(html.contains("http://") && html.contains("<script"), "no remote scripts");
    }

    static Row row(String id, String profile) {
        return quick.rows().stream().filter(r -> r.experiment().equals(id) && r.profile().equals(profile)).findFirst().orElseThrow();
    }
}
