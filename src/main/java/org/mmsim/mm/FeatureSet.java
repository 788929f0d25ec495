package org.mmsim.mm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An immutable set of enabled {@link Feature}s, parsed from {@code baseline}, {@code patched} or a
 * comma-separated list of feature names (each optionally prefixed by {@code -} to remove it from
 * {@code patched}, e.g. {@code patched,-mremap-batch-hint}).
 */
public final class FeatureSet {
    private final EnumSet<Feature> on;
    private final String spec;

    private FeatureSet(EnumSet<Feature> on, String spec) {
        this.on = on;
        this.spec = spec;
    }

    public static FeatureSet baseline() { return new FeatureSet(EnumSet.noneOf(Feature.class), "baseline"); }

    public static FeatureSet patched() { return new FeatureSet(EnumSet.allOf(Feature.class), "patched"); }

    /** A set of exactly these features. */
    public static FeatureSet of(Set<Feature> features) {
        EnumSet<Feature> s = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
        String spec = s.isEmpty() ? "baseline" : s.equals(EnumSet.allOf(Feature.class)) ? "patched"
                : s.stream().map(Feature::userName).collect(Collectors.joining(","));
        return new FeatureSet(s, spec);
    }

    /**
     * Parses a kernel spec. Throws IllegalArgumentException naming the unknown word and the known ones.
     */
    public static FeatureSet parse(String spec) {
        String s = spec.trim();
        if (s.isEmpty()) throw new IllegalArgumentException("empty kernel spec; use baseline, patched or a feature list");
        EnumSet<Feature> set = EnumSet.noneOf(Feature.class);
        for (String raw : s.split(",")) {
            String w = raw.trim();
            boolean minus = w.startsWith("-");
            if (minus) w = w.substring(1);
            switch (w) {
                case "baseline" -> set.clear();
                case "patched" -> set.addAll(EnumSet.allOf(Feature.class));
                default -> {
                    Feature f = Feature.byName(w);
                    if (f == null) {
                        throw new IllegalArgumentException("unknown kernel feature '" + w + "'; known: baseline, patched, "
                                + Arrays.stream(Feature.values()).map(Feature::userName).collect(Collectors.joining(", ")));
                    }
                    if (minus) set.remove(f); else set.add(f);
                }
            }
        }
        return new FeatureSet(set, s);
    }

    public boolean has(Feature f) { return on.contains(f); }

    /** The spec this set was made from ("baseline", "patched", or the list). */
    public String spec() { return spec; }

    /** Enabled feature names, in registry order. */
    public List<String> names() {
        List<String> l = new ArrayList<>();
        for (Feature f : on) l.add(f.userName());
        return l;
    }

    /** This set with one feature switched. */
    public FeatureSet with(Feature f, boolean enabled) {
        EnumSet<Feature> s = EnumSet.copyOf(on.isEmpty() ? EnumSet.noneOf(Feature.class) : on);
        if (enabled) s.add(f); else s.remove(f);
        return of(s);
    }

    @Override public String toString() { return spec; }
}
