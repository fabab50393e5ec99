#pragma once

#include <QtGlobal>

namespace portico {

// Streaming watermark: a side stops reading while the other side has more than this waiting to
// be written, and starts again once that has drained. With one read of kReadChunkBytes it
// bounds what one exchange holds in memory; the rest waits in the kernel's socket buffers,
// where TCP flow control slows the sender down.
inline constexpr qint64 kHighWatermarkBytes = 256 * 1024;
inline constexpr qint64 kReadChunkBytes = 64 * 1024;

} // namespace portico
