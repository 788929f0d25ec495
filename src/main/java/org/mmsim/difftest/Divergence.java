package org.mmsim.difftest;

import java.util.List;

/**
 * The first place two backends disagreed: the call (by index in its sequence), what kind of thing differed
 * ({@code result}, {@code layout}, {@code residency}, {@code contents}, ...), a one-line description, both outcomes
 * of the call, and the script lines that assert side A's view.
 */
record Divergence(int index, Op op, String kind, String what, Outcome a, Outcome b, List<String> expects) {}
