#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QtGlobal>

#include <memory>
#include <utility>
#include <vector>

namespace portico {

// One header field as captured: redacted fields keep their name, their value is replaced.
struct CapturedField
{
    QByteArray name;
    QByteArray value;
    friend bool operator==(const CapturedField &, const CapturedField &) = default;
};

// The first bytes of a body, as captured.
struct CapturedBody
{
    QByteArray bytes;      // at most settings.capture_body_kib KiB
    qint64 size = 0;       // the whole body's size as it went through
    bool truncated = false; // bytes holds only its start
    friend bool operator==(const CapturedBody &, const CapturedBody &) = default;
};

// Where a request's time went, in microseconds; -1 = does not apply (no upstream was called,
// a pooled connection needed no connect).
struct CaptureTimings
{
    qint64 gatewayUs = -1;  // head parsed to request head sent upstream, less the connect
    qint64 connectUs = -1;  // TCP connect to the target
    qint64 upstreamUs = -1; // request head sent to response head read
    qint64 totalUs = -1;    // head parsed to last byte handed to the client's socket
    friend bool operator==(const CaptureTimings &, const CaptureTimings &) = default;
};

// Everything the inspector, GET /traffic, HAR export and the access log show of one request:
// what came in, what the gateway decided at each step, what went out. Built once on the
// worker as a blob (CaptureBlob) and decoded by whoever reads it, then shared read-only
// (CaptureRecordPtr). Secrets are redacted before the blob is written (see Redactor): nothing
// here needs redacting again.
struct CaptureRecord
{
    quint64 sequence = 0;        // per gateway run, increasing; orders records across workers
    QByteArray id;               // the request id (X-Request-Id)
    QByteArray traceId;          // W3C trace id (32 hex), empty when none
    qint64 startedAtMs = 0;      // wall clock, ms since the epoch, when the head was parsed
    QByteArray clientIp;
    quint16 clientPort = 0;
    QByteArray scheme = QByteArrayLiteral("http");
    QByteArray method;
    QByteArray host;             // Host field (or the request target's authority)
    QByteArray target;           // path and query as received, secrets in the query redacted
    QByteArray httpVersion;      // "HTTP/1.1"
    QByteArray route;            // the matched route's name; empty = none matched
    QByteArray consumer;         // the authenticated consumer; empty = anonymous
    QByteArray keyPrefix;        // the API key's display prefix, when a key authenticated
    int status = 0;              // 0 = no response was sent (connection lost first)
    qint64 requestBytes = 0;     // request body bytes read
    qint64 responseBytes = 0;    // response body bytes sent
    QByteArray upstreamService;  // empty = not proxied
    QByteArray upstreamTarget;   // the target that answered (or the last one tried): its URL
    CaptureTimings timings;
    // What each stage and policy decided, in order: ("route", "users"), ("auth", "key k1
    // consumer mobile-app"), ("rate limit", "allowed 4/5 per second"), ("upstream", ...),
    // ("connect_failed", ...), ("ejected", ...), ("local_reply", "429 ...").
    std::vector<std::pair<QByteArray, QByteArray>> decisions;

    // With every captured request; not in records made for the access log alone.
    bool hasHeaders = false;
    std::vector<CapturedField> requestHeaders;
    std::vector<CapturedField> responseHeaders;
    QByteArray upstreamUrl;      // the URL the request was sent to upstream
    CapturedBody requestBody;    // bytes empty unless settings.capture_body_kib > 0
    CapturedBody responseBody;

private:
    friend std::shared_ptr<CaptureRecord> decodeCaptureRecord(const QByteArray &, quint64);
    // A decoded record's blob (see CaptureBlob): its text fields and bodies point into it
    // (QByteArray::fromRawData). Copy a field (QByteArray(f.constData(), f.size())) to keep it
    // beyond the record's life.
    QByteArray m_storage;
};

using CaptureRecordPtr = std::shared_ptr<const CaptureRecord>;
using CaptureRecords = std::vector<CaptureRecordPtr>;

} // namespace portico

Q_DECLARE_METATYPE(portico::CaptureRecordPtr)
