#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

namespace portico {

struct CaptureRecord;

// The access log's lines: one compact JSON object per line, keys always present and always in
// this order (docs/configuration.md#access-log lists them):
//
//   time             "2024-05-01T12:34:56.789Z": RFC 3339, UTC, ms (when the head was parsed)
//   id, trace_id     the request id, the W3C trace id (null when none)
//   client_ip, client_port
//   method, host, path, http_version    path = the target with its query, secrets redacted
//   status           null when no response was sent
//   request_bytes, response_bytes       body bytes
//   route, consumer, key_prefix         null when none
//   upstream_service, upstream_target   null when not proxied
//   total_us, gateway_us, connect_us, upstream_us   integer microseconds; null = not applicable
//   decisions        [{"stage": ..., "decision": ...}, ...] in order
//
// Strings are written as given, escaped for JSON; bytes that are not UTF-8 become U+FFFD, so
// every line is valid UTF-8 JSON whatever a client sent. Only what the record holds is
// written (records are redacted when built).
void appendAccessLogLine(QByteArray &out, const CaptureRecord &record);

// {"time": ..., "dropped": N}: N lines were not written (the writer fell behind or the file
// could not be written) just before this point.
void appendDroppedLine(QByteArray &out, qint64 msSinceEpoch, quint64 dropped);

// Pieces of the above, for tests and other JSON writers.
void appendRfc3339Ms(QByteArray &out, qint64 msSinceEpoch);
void appendJsonString(QByteArray &out, QByteArrayView text);

} // namespace portico
