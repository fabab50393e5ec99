#pragma once

#include "observe/CaptureRecord.h"

#include <QByteArrayView>
#include <QString>

namespace portico {

// A POSIX shell command that sends the captured request again with curl: its method, URL,
// header fields (but Content-Length, and Host when the URL says the same) and captured body.
// Values the capture redacted stay "[redacted]". What the record lacks (a body cut short or
// not captured, headers not captured, redacted values) is said in "# " lines before the
// command, which runs as is. One option a line (lines end in a backslash), e.g.
//
//   # request body truncated: only the first 1024 of 4096 bytes were captured
//   curl -X POST 'http://api.example.test/users?x=1' -H 'Content-Type: application/json'
//     --data-binary '{"name": "it'\''s"}'
QString curlCommand(const CaptureRecord &record);

// One shell word holding exactly these bytes: '...' (with ' written '\'') when they are UTF-8
// text, else "$(printf '...')" with octal escapes, which keeps the command plain ASCII.
// (Command substitution drops trailing newlines: curlCommand pipes bodies in instead.)
QString shellQuote(QByteArrayView bytes);

} // namespace portico
