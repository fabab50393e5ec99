#include "CaptureBlob.h"

#include "http/ShortCopy.h"
#include "observe/Redactor.h"

#include <QVarLengthArray>

#include <algorithm>
#include <cstring>

namespace portico {

namespace {

using Texts = QVarLengthArray<QByteArray, 32>;

char *putSize(char *at, size_t size)
{
    const auto value = quint32(size);
    std::memcpy(at, &value, sizeof value);
    return at + sizeof value;
}

char *putText(char *at, QByteArrayView text)
{
    at = putSize(at, size_t(text.size()));
    copyShort(at, text.data(), text.size()); // most texts are short: no memcpy call
    return at + text.size();
}

// Reads a blob's sections front to back. The texts point into the blob: the record that holds
// them keeps the blob.
class CaptureReader
{
public:
    explicit CaptureReader(const QByteArray &blob)
        : m_at(blob.constData())
        , m_end(blob.constData() + blob.size())
    {
    }

    bool atEnd() const { return m_at >= m_end; }

    // The next section; false when the blob ends inside it (malformed).
    bool next(CaptureSection &section, Texts &texts)
    {
        texts.clear();
        quint32 count = 0;
        if (!take(1))
            return false;
        section = CaptureSection(m_at[-1]);
        if (!readSize(count) || count > size_t(m_end - m_at) / sizeof(quint32))
            return false;
        for (quint32 i = 0; i < count; ++i) {
            quint32 size = 0;
            if (!readSize(size) || !take(size))
                return false;
            texts.append(size ? QByteArray::fromRawData(m_at - size, qsizetype(size))
                              : QByteArray());
        }
        return true;
    }

private:
    bool take(size_t bytes)
    {
        if (size_t(m_end - m_at) < bytes)
            return false;
        m_at += bytes;
        return true;
    }
    bool readSize(quint32 &size)
    {
        if (!take(sizeof size))
            return false;
        std::memcpy(&size, m_at - sizeof size, sizeof size);
        return true;
    }

    const char *m_at;
    const char *m_end;
};

// Name, value, name, value...
std::vector<CapturedField> fieldsOf(const Texts &texts)
{
    std::vector<CapturedField> fields;
    fields.reserve(size_t(texts.size() / 2));
    for (qsizetype i = 0; i + 1 < texts.size(); i += 2)
        fields.push_back({texts[i], texts[i + 1]});
    return fields;
}

// The fields of a head as the gateway serialized it (held by the record, as `head` is):
// "Name: value" lines after the status line, up to the blank line.
std::vector<CapturedField> fieldsOfSerializedHead(const QByteArray &head)
{
    std::vector<CapturedField> fields;
    qsizetype line = head.indexOf("\r\n");
    while (line >= 0) {
        line += 2;
        const qsizetype end = head.indexOf("\r\n", line);
        const qsizetype colon = head.indexOf(':', line);
        if (end <= line || colon < 0 || colon > end)
            break;
        qsizetype value = colon + 1;
        while (value < end && head[value] == ' ')
            ++value;
        // Like the blob's other texts, they point into it.
        fields.push_back({QByteArray::fromRawData(head.constData() + line, colon - line),
                          QByteArray::fromRawData(head.constData() + value, end - value)});
        line = end;
    }
    return fields;
}

// The summary's texts, in the order writeSummary writes them.
enum SummaryText {
    Id,
    TraceId,
    ClientIp,
    Scheme,
    Route,
    Consumer,
    KeyPrefix,
    UpstreamService,
    UpstreamTarget,
    UpstreamUrlScheme,
    UpstreamUrlAuthority,
    UpstreamUrlTarget,
    Figures,
    SummaryTexts
};

bool readSummary(const Texts &texts, CaptureRecord &r)
{
    CaptureSummary::Figures figures;
    if (texts.size() != SummaryTexts || texts[Figures].size() != sizeof figures)
        return false;
    std::memcpy(&figures, texts[Figures].constData(), sizeof figures);
    r.id = texts[Id];
    r.traceId = texts[TraceId];
    r.clientIp = texts[ClientIp];
    r.scheme = texts[Scheme];
    r.route = texts[Route];
    r.consumer = texts[Consumer];
    r.keyPrefix = texts[KeyPrefix];
    r.upstreamService = texts[UpstreamService];
    r.upstreamTarget = texts[UpstreamTarget];
    r.upstreamUrl = texts[UpstreamUrlScheme] + texts[UpstreamUrlAuthority]
        + texts[UpstreamUrlTarget];
    r.startedAtMs = figures.startedAtMs;
    r.clientPort = quint16(figures.clientPort);
    r.status = int(figures.status);
    r.requestBytes = figures.requestBytes;
    r.responseBytes = figures.responseBytes;
    r.hasHeaders = figures.hasHeaders != 0;
    r.timings = figures.timings;
    return true;
}

} // namespace

void CaptureWriter::start()
{
    if (!m_blob.isDetached())
        m_blob = QByteArray(); // a reader holds those bytes: they stay as they are
    m_begin = m_at = m_end = nullptr;
    if (m_blob.capacity() > 0) { // else the first section makes room
        m_blob.resize(m_blob.capacity());
        m_begin = m_at = m_blob.data();
        m_end = m_begin + m_blob.size();
    }
}

QByteArray &CaptureWriter::finish()
{
    m_blob.resize(m_at - m_begin);
    m_begin = m_at = m_end = nullptr;
    return m_blob;
}

void CaptureWriter::grow(size_t bytes)
{
    const qsizetype used = m_at - m_begin;
    m_blob.resize(used);
    m_blob.reserve(std::max({m_blob.capacity() * 2, used + qsizetype(bytes), qsizetype(1024)}));
    m_blob.resize(m_blob.capacity());
    m_begin = m_blob.data();
    m_at = m_begin + used;
    m_end = m_begin + m_blob.size();
}

void CaptureWriter::section(CaptureSection section, std::span<const QByteArrayView> texts)
{
    size_t total = 1 + sizeof(quint32) * (1 + texts.size());
    for (QByteArrayView text : texts)
        total += size_t(text.size());
    char *at = room(total);
    *at++ = char(section);
    at = putSize(at, texts.size());
    for (QByteArrayView text : texts)
        at = putText(at, text);
    m_at = at;
}

void CaptureWriter::section(CaptureSection section,
                            std::span<const std::pair<QByteArray, QByteArray>> pairs,
                            const Redactor *redactor)
{
    size_t total = 1 + sizeof(quint32) * (1 + 2 * pairs.size());
    constexpr auto kRedactedSize = size_t(Redactor::kRedacted.size());
    for (const auto &[name, value] : pairs)
        total += size_t(name.size()) + std::max(size_t(value.size()), kRedactedSize);
    char *at = room(total);
    *at++ = char(section);
    at = putSize(at, 2 * pairs.size());
    for (const auto &[name, value] : pairs) {
        at = putText(at, name);
        at = putText(at, redactor && redactor->isSecret(name) ? Redactor::kRedacted
                                                             : QByteArrayView(value));
    }
    m_at = at;
}

void writeSummary(CaptureWriter &w, const CaptureSummary &s)
{
    const CaptureSummary::Figures &figures = s.figures;
    const QByteArrayView texts[SummaryTexts] = {
        s.id,
        s.traceId,
        s.clientIp,
        s.scheme,
        s.route,
        s.consumer,
        s.keyPrefix,
        s.upstreamService,
        s.upstreamTarget,
        s.upstreamUrl[0],
        s.upstreamUrl[1],
        s.upstreamUrl[2],
        QByteArrayView(reinterpret_cast<const char *>(&figures), sizeof figures)};
    w.section(CaptureSection::Summary, texts);
}

QByteArray encodeCaptureRecord(const CaptureRecord &r)
{
    CaptureWriter w;
    w.start();
    const QByteArrayView request[] = {r.method, r.target, r.httpVersion, r.host};
    w.section(CaptureSection::Request, request);
    if (r.hasHeaders) {
        for (const auto &[section, fields] :
             {std::pair{CaptureSection::RequestHeaders, &r.requestHeaders},
              std::pair{CaptureSection::ResponseHeaders, &r.responseHeaders}}) {
            std::vector<QByteArrayView> texts;
            for (const CapturedField &field : *fields)
                texts.insert(texts.end(), {field.name, field.value});
            w.section(section, texts);
        }
    }
    CaptureSummary s;
    s.id = r.id;
    s.traceId = r.traceId;
    s.clientIp = r.clientIp;
    s.scheme = r.scheme;
    s.route = r.route;
    s.consumer = r.consumer;
    s.keyPrefix = r.keyPrefix;
    s.upstreamService = r.upstreamService;
    s.upstreamTarget = r.upstreamTarget;
    s.upstreamUrl[0] = r.upstreamUrl;
    s.figures = {r.startedAtMs, r.clientPort,    r.status,     r.requestBytes,
                 r.responseBytes, r.hasHeaders, r.timings};
    writeSummary(w, s);
    w.section(CaptureSection::Decisions, r.decisions);
    if (!r.requestBody.bytes.isEmpty() || !r.responseBody.bytes.isEmpty()) {
        const QByteArrayView bodies[] = {r.requestBody.bytes, r.responseBody.bytes};
        w.section(CaptureSection::Bodies, bodies);
    }
    return w.finish();
}

std::shared_ptr<CaptureRecord> decodeCaptureRecord(const QByteArray &blob, quint64 sequence)
{
    auto record = std::make_shared<CaptureRecord>();
    CaptureRecord &r = *record;
    r.m_storage = blob;
    r.sequence = sequence;
    bool bodies = false;
    CaptureReader in(blob);
    CaptureSection section;
    Texts texts;
    while (!in.atEnd()) {
        if (!in.next(section, texts))
            return nullptr;
        switch (section) {
        case CaptureSection::Request:
            if (texts.size() != 4)
                return nullptr;
            r.method = texts[0];
            r.target = texts[1];
            r.httpVersion = texts[2];
            r.host = texts[3];
            break;
        case CaptureSection::RequestHeaders: r.requestHeaders = fieldsOf(texts); break;
        case CaptureSection::ResponseHeaders: r.responseHeaders = fieldsOf(texts); break;
        case CaptureSection::ResponseHead:
            if (texts.size() != 1)
                return nullptr;
            r.responseHeaders = fieldsOfSerializedHead(texts[0]);
            break;
        case CaptureSection::Summary:
            if (!readSummary(texts, r))
                return nullptr;
            break;
        case CaptureSection::Decisions:
            r.decisions.clear();
            for (qsizetype i = 0; i + 1 < texts.size(); i += 2)
                r.decisions.emplace_back(texts[i], texts[i + 1]);
            break;
        case CaptureSection::Bodies:
            if (texts.size() != 2)
                return nullptr;
            bodies = true;
            r.requestBody.bytes = texts[0];
            r.responseBody.bytes = texts[1];
            break;
        default: return nullptr;
        }
    }
    // A body's size is the summary's; what was kept of it, the bodies section's.
    for (auto [body, size] : {std::pair{&r.requestBody, r.requestBytes},
                              std::pair{&r.responseBody, r.responseBytes}}) {
        body->size = size;
        body->truncated = bodies && size > body->bytes.size();
    }
    return record;
}

} // namespace portico
