package org.mmsim.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.Script;

/**
 * The seed workloads that {@code mmsim bench} and {@code mmsim sweep} run: the example scripts of the repository
 * ({@code examples/*.mms}), which the build copies into the jar, so that a benchmark runs exactly what a user runs
 * with {@code mmsim run examples/NAME.mms} and the params its table prints.
 */
public final class Workloads {
    private Workloads() {}

    /**
     * A seed workload.
     *
     * @param name  short name used on the command line ({@code seed000}, ...)
     * @param file  the example script ({@code examples/...mms})
     * @param full  param overrides of {@code mmsim bench}'s full-size run where the seed's full size is not the
     *              script's default (which {@code mmsim sweep} and the tests keep)
     * @param quick param overrides that scale the workload down for {@code --quick}
     */
    public record Workload(String name, String file, Map<String, Long> full, Map<String, Long> quick) {
        /** Parses the script from the jar. */
        public Script script() {
            return Script.parse(file, text(), Language.standard());
        }

        /** The script's source text, from the jar. */
        public String text() {
            String path = "/" + file;
            try (InputStream in = Workloads.class.getResourceAsStream(path)) {
                if (in == null) throw new IllegalStateException("the jar lacks " + file + " (build with mvn package)");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final List<Workload> ALL = List.of(
            new Workload("seed000", "examples/seed000-mremap-batch.mms", Map.of(), Map.of("LOOPS", 500L)),
            new Workload("seed001", "examples/seed001-pageout.mms", Map.of(), Map.of("SIZE", 32L << 20)),
            new Workload("seed003", "examples/seed003-mremap-1g.mms", Map.of(), Map.of("SIZE", 128L << 20)),
            new Workload("seed004", "examples/seed004-mprotect.mms", Map.of(), Map.of("SIZE", 128L << 20, "LOOPS", 4L)),
            // seed 002's regression workload is stress-ng bigheap, which grows its heap by 64 KiB per realloc (its
            // default) until memory runs out; full size here is stress-ng's growth up to a 1 GiB heap. The script's
            // default (500 steps of 16 KiB, an 8 MiB heap) is its scaled-down form.
            new Workload("bigheap", "examples/bigheap-realloc.mms", Map.of("STEPS", 16_384L, "GROW", 64L << 10),
                    Map.of("STEPS", 100L)));

    /** Every seed workload, in seed order. */
    public static List<Workload> all() { return ALL; }

    /** The workload named {@code name}; IllegalArgumentException naming the known ones otherwise. */
    public static Workload byName(String name) {
        for (Workload w : ALL) if (w.name().equals(name)) return w;
        throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + names());
    }

    /** The known names, comma-separated. */
    public static String names() {
        return String.join(", ", ALL.stream().map(Workload::name).toList());
    }

    /** Name to workload, in seed order. */
    public static Map<String, Workload> byNames() {
        Map<String, Workload> m = new LinkedHashMap<>();
        for (Workload w : ALL) m.put(w.name(), w);
        return m;
    }
}
