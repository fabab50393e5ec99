#pragma once

#include "net/FlowControl.h"

namespace portico {

// Per-thread read buffers. A socket is read into one and parsed at once; only the bytes a paused
// parser did not take are copied out and kept. That saves an allocation per read. There is one
// per direction because handling an upstream event can run inside a client read (a failed write
// reports its error synchronously).
enum class ScratchSlot { Client, Upstream };

inline char *readScratch(ScratchSlot slot)
{
    thread_local char buffers[2][kReadChunkBytes];
    return buffers[int(slot)];
}

} // namespace portico
