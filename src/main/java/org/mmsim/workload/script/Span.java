package org.mmsim.workload.script;

/**
 * Where a piece of syntax sits in its script: 1-based {@code line} and {@code col} of its first character
 * (a tab counts as one column) and the character offsets {@code [start, end)} into the source.
 */
public record Span(int line, int col, int start, int end) {
    /** The span from the start of this one to the end of {@code last}. */
    public Span to(Span last) {
        return new Span(line, col, start, Math.max(end, last.end));
    }
}
