package org.mmsim.difftest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Delta debugging over a call sequence: removes chunks of calls (halves, quarters, ... single calls) as long as the
 * shorter sequence still diverges the same way (same kind of difference), until no single call can go or the replay
 * budget is spent. Each candidate replays on fresh backends.
 */
final class Shrinker {
    private Shrinker() {}

    /** The outcome of replaying a candidate: its divergence, or null. */
    record Replay(Divergence divergence, List<Outcome> outcomesA) {}

    record Result(List<Op> ops, Replay replay, int replays) {}

    static Result shrink(List<Op> ops, Replay first, Function<List<Op>, Replay> replay, int budget) {
        String kind = first.divergence().kind();
        List<Op> cur = new ArrayList<>(ops.subList(0, first.divergence().index() + 1));
        Replay best = first;
        int used = 0;
        int chunk = Math.max(1, cur.size() / 2);
        while (chunk >= 1 && used < budget) {
            boolean removed = false;
            for (int start = 0; start < cur.size() && used < budget; ) {
                int end = Math.min(cur.size(), start + chunk);
                if (end == cur.size() && start == 0) { start = end; continue; }
                List<Op> cand = new ArrayList<>(cur.subList(0, start));
                cand.addAll(cur.subList(end, cur.size()));
                Replay r = replay.apply(cand);
                used++;
                if (r.divergence() != null && r.divergence().kind().equals(kind)) {
                    cur = new ArrayList<>(cand.subList(0, r.divergence().index() + 1));
                    best = r;
                    removed = true;
                } else {
                    start = end;
                }
            }
            if (!removed) chunk /= 2;
            else chunk = Math.min(chunk, Math.max(1, cur.size() / 2));
        }
        return new Result(cur, best, used);
    }
}
