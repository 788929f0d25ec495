package org.mmsim.difftest;

import org.mmsim.workload.ForwardingMemoryApi;
import org.mmsim.workload.MemoryApi;

/** A {@link MemoryApi} that passes every call on; tests override one call to inject a bug. */
class Delegate extends ForwardingMemoryApi {
    Delegate(MemoryApi api) { super(api); }
}
