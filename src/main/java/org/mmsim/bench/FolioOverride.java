package org.mmsim.bench;

import org.mmsim.workload.ForwardingMemoryApi;
import org.mmsim.workload.MemoryApi;

/**
 * A backend whose anonymous folio size is fixed by a sweep: the THP/mTHP tunables are set once, to the sweep's
 * folio size, and the script's own {@code set thp} / {@code set mthp} are ignored, so that one script runs with
 * each folio size of the grid. Every other call goes to the backend unchanged.
 */
final class FolioOverride extends ForwardingMemoryApi {
    FolioOverride(MemoryApi api, long folio) {
        super(api);
        Machine.folio(api::set, folio);
    }

    @Override public void set(String key, String value) {
        String k = key.trim();
        if (k.equals("thp") || k.startsWith("mthp ")) return;
        api.set(key, value);
    }
}
