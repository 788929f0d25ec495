package org.mmsim.workload.script;

/**
 * The {@code inject KIND at N} statement: arms an injected failure of the swap-out path at the N-th occurrence
 * of KIND from the moment the statement runs ({@link org.mmsim.workload.MemoryApi#inject}). KIND is a bare word
 * ({@code swap_alloc_fail}, {@code swap_dup_fail}, {@code arch_unmap_fail}, {@code folio_pinned}); N is an
 * expression. An unknown kind or an N below 1 is a runtime error at the statement.
 */
final class InjectStatement {
    private InjectStatement() { }

    static void addTo(Language l) {
        l.addStatement("inject", p -> {
            Span at = p.keyword();
            String kind = p.word();
            p.expectWord("at");
            Expr when = p.expression();
            return in -> {
                long n = in.eval(when);
                try {
                    in.api().inject(kind, n);
                } catch (IllegalArgumentException e) {
                    throw in.error(at, e.getMessage());
                }
            };
        });
    }
}
