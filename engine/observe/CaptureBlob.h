#pragma once

#include "observe/CaptureRecord.h"

#include <QByteArray>
#include <QByteArrayView>

#include <span>
#include <utility>

namespace portico {

// A captured request as the worker writes it: the record's fields one after another in one
// byte buffer, in sections written as the request goes (its head when parsed, the response's
// head when sent, the summary at the end). Workers write these rather than CaptureRecords: a
// record is two dozen separate byte arrays, a blob is one buffer the worker reuses, so a
// captured request costs copies into memory already there and no allocation. Readers (the
// inspector, GET /traffic, the access log's thread) decode blobs into records, on their own
// threads.
//
// A section is a tag byte, a count of texts (4 bytes) and the texts, each its length (4 bytes)
// and bytes; numbers travel as the bytes of a struct. One shape for everything keeps the code
// that writes it small: it runs on every captured request, beside the proxy's own hot code.
// Native byte order: blobs never leave the process.
enum class CaptureSection : char {
    Request = 'Q',         // method, target, HTTP version, host
    RequestHeaders = 'H',  // name, value, name, value... (secret values redacted)
    ResponseHeaders = 'R', // the same
    ResponseHead = 'P',    // the head as sent (status line, fields, blank line), when no field
                           // in it is secret
    Summary = 'S',         // CaptureSummary's texts, then its figures
    Decisions = 'D',       // stage, decision, stage, decision...
    Bodies = 'B',          // what was kept of the request's and of the response's body
};

class Redactor;

// Writes blobs into a buffer it keeps. Room is made once per section and written through a
// pointer, not a call into QByteArray per field.
class CaptureWriter
{
public:
    // Starts a blob, in the last one's memory unless a reader still holds that.
    void start();
    // The finished blob. Swapping another buffer in for it (even an empty one) is fine: the
    // next start() writes there.
    QByteArray &finish();

    void section(CaptureSection section, std::span<const QByteArrayView> texts);
    // Pairs (header fields, decisions) as name, value, name, value...; with a redactor, the
    // values of secret names are replaced.
    void section(CaptureSection section, std::span<const std::pair<QByteArray, QByteArray>> pairs,
                 const Redactor *redactor = nullptr);

private:
    char *room(size_t bytes)
    {
        if (size_t(m_end - m_at) < bytes)
            grow(bytes);
        return m_at;
    }
    void grow(size_t bytes);

    QByteArray m_blob; // while writing, its size is its capacity
    char *m_begin = nullptr;
    char *m_at = nullptr;
    char *m_end = nullptr;
};

// What the summary section holds, as views into its owners: CaptureDraft fills it from the
// request's context, encodeCaptureRecord from a record.
struct CaptureSummary
{
    QByteArrayView id, traceId, clientIp, scheme, route, consumer, keyPrefix;
    QByteArrayView upstreamService, upstreamTarget;
    QByteArrayView upstreamUrl[3]; // in up to three parts (scheme, authority, target)
    // The numbers, written as they lie in memory.
    struct Figures
    {
        qint64 startedAtMs = 0;
        qint64 clientPort = 0;
        qint64 status = 0;
        qint64 requestBytes = 0;
        qint64 responseBytes = 0;
        qint64 hasHeaders = 0;
        CaptureTimings timings;
    } figures;
};
void writeSummary(CaptureWriter &writer, const CaptureSummary &summary);

// The whole record, as CaptureDraft writes one piece by piece (for tests, and for records
// that did not come from a worker).
QByteArray encodeCaptureRecord(const CaptureRecord &record);

// The record a blob holds, numbered `sequence`. Its text fields and bodies point into the blob
// (shared, not copied). Null when the blob is not a well-formed record.
std::shared_ptr<CaptureRecord> decodeCaptureRecord(const QByteArray &blob, quint64 sequence);

} // namespace portico
