#pragma once

#include <QtGlobal>

namespace portico {

// Streaming watermarks: a side stops reading while the other side has more than the high
// watermark waiting to be written, and starts again once that falls under the low watermark.
// Together with the socket read buffer they bound what one exchange holds in memory.
inline constexpr qint64 kHighWatermarkBytes = 256 * 1024;
inline constexpr qint64 kLowWatermarkBytes = 64 * 1024;
inline constexpr qint64 kSocketReadBufferBytes = 128 * 1024;
inline constexpr qint64 kReadChunkBytes = 64 * 1024;

} // namespace portico
