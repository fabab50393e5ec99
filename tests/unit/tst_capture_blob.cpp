// A captured request's blob: every field of a record read back as written, malformed blobs
// refused, the draft writing a request as the client sent it with its secrets redacted, and
// the ring handing the buffer of the record it drops back to the writer, while records read
// earlier stay as they were.

#include "http/HttpMessage.h"
#include "http/Serializer.h"
#include "net/LocalReplies.h"
#include "observe/CaptureBlob.h"
#include "observe/CaptureDraft.h"
#include "observe/Redactor.h"
#include "observe/TrafficCapture.h"
#include "policy/RequestContext.h"

#include <QTest>

using namespace portico;

namespace {

CaptureRecord richRecord()
{
    CaptureRecord r;
    r.id = "req-1";
    r.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    r.startedAtMs = 1'714'566'896'789;
    r.clientIp = "127.0.0.1";
    r.clientPort = 53211;
    r.scheme = "http";
    r.method = "POST";
    r.host = "api.local";
    r.target = "/users?page=2";
    r.httpVersion = "HTTP/1.1";
    r.route = "users";
    r.consumer = "mobile-app";
    r.keyPrefix = "pk_12";
    r.status = 201;
    r.requestBytes = 5000;
    r.responseBytes = 3;
    r.upstreamService = "users-svc";
    r.upstreamTarget = "http://127.0.0.1:9001";
    r.timings = {12, -1, 340, 400};
    r.decisions = {{"route", "users"}, {"auth", "key pk_12 consumer mobile-app"}, {"", ""}};
    r.hasHeaders = true;
    r.requestHeaders = {{"Host", "api.local"}, {"X-API-Key", "[redacted]"}, {"X-Empty", ""}};
    r.responseHeaders = {{"Content-Type", "application/json"}};
    r.upstreamUrl = "http://127.0.0.1:9001/users?page=2";
    r.requestBody = {QByteArray(1024, '\0') + "tail", 5000, true};
    r.responseBody = {"{}\n", 3, false};
    return r;
}

void compareRecords(const CaptureRecord &a, const CaptureRecord &b)
{
    for (auto [x, y] : {std::pair{&a.id, &b.id}, {&a.traceId, &b.traceId},
                        {&a.clientIp, &b.clientIp}, {&a.scheme, &b.scheme},
                        {&a.method, &b.method}, {&a.host, &b.host}, {&a.target, &b.target},
                        {&a.httpVersion, &b.httpVersion}, {&a.route, &b.route},
                        {&a.consumer, &b.consumer}, {&a.keyPrefix, &b.keyPrefix},
                        {&a.upstreamService, &b.upstreamService},
                        {&a.upstreamTarget, &b.upstreamTarget}, {&a.upstreamUrl, &b.upstreamUrl}})
        QCOMPARE(*x, *y);
    QCOMPARE(a.startedAtMs, b.startedAtMs);
    QCOMPARE(a.clientPort, b.clientPort);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.requestBytes, b.requestBytes);
    QCOMPARE(a.responseBytes, b.responseBytes);
    QVERIFY(a.timings == b.timings);
    QVERIFY(a.decisions == b.decisions);
    QCOMPARE(a.hasHeaders, b.hasHeaders);
    QVERIFY(a.requestHeaders == b.requestHeaders);
    QVERIFY(a.responseHeaders == b.responseHeaders);
    QVERIFY(a.requestBody == b.requestBody);
    QVERIFY(a.responseBody == b.responseBody);
}

RequestHead clientHead()
{
    RequestHead head;
    head.method = "GET";
    head.target = "/users/7?apikey=s3cret&x=1";
    head.headers.add("Host", "api.local");
    head.headers.add("X-API-Key", "s3cret");
    head.headers.add("X-Token", "t0ken");
    head.headers.add("Accept", "*/*");
    return head;
}

ObserveConfig capturing(int records)
{
    ObserveConfig o;
    o.capture = QStringLiteral("always");
    o.captureRecords = records;
    return o;
}

// One request through a draft, as a client connection runs it; the record goes to `capture`.
void serveOne(CaptureDraft &draft, TrafficCapture &capture, const QByteArray &id)
{
    const Redactor redactor;
    draft.begin(&capture, false, 0);
    RequestHead head = clientHead();
    draft.addRequestHead(head, redactor);
    ResponseHead response;
    response.headers.add("Set-Cookie", "session=abc");
    response.headers.add("Content-Length", "2");
    QByteArray sent;
    appendResponseHead(sent, response);
    draft.addResponseHead(response, sent, redactor);
    draft.addResponseBody("ok");
    RequestContext context;
    context.requestId = id;
    context.head = std::move(head);
    context.head.headers.remove("X-API-Key"); // as the key policy does
    context.record("route", "users");
    QByteArray *record = draft.finish(context, 200, 1500);
    QVERIFY(record);
    QVERIFY(!record->contains("s3cret")); // not even in the bytes the ring keeps
    capture.add(*record);
}

} // namespace

class TestCaptureBlob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFieldReadsBack();
    void emptyRecordReadsBack();
    void malformedBlobsAreRefused();
    void draftWritesTheRequestAsSentRedacted();
    void draftKeepsTheResponseHeadAsSent();
    void draftKeepsALocalReplysHead();
    void draftIdleWritesNothing();
    void fullRingHandsBackTheDroppedBuffer();
    void recordsOutliveTheirBuffersGoingRound();
};

void TestCaptureBlob::everyFieldReadsBack()
{
    const CaptureRecord original = richRecord();
    const QByteArray blob = encodeCaptureRecord(original);
    const std::shared_ptr<CaptureRecord> decoded = decodeCaptureRecord(blob, 42);
    QVERIFY(decoded);
    QCOMPARE(decoded->sequence, 42u);
    compareRecords(*decoded, original);
    // The fields point into the blob rather than copying it.
    QVERIFY(decoded->target.constData() >= blob.constData()
            && decoded->target.constData() < blob.constData() + blob.size());
}

void TestCaptureBlob::emptyRecordReadsBack()
{
    const CaptureRecord empty;
    const std::shared_ptr<CaptureRecord> decoded = decodeCaptureRecord(
        encodeCaptureRecord(empty), 1);
    QVERIFY(decoded);
    compareRecords(*decoded, empty);
    QVERIFY(decoded->requestHeaders.empty());
    QVERIFY(!decoded->requestBody.truncated);
}

void TestCaptureBlob::malformedBlobsAreRefused()
{
    const QByteArray blob = encodeCaptureRecord(richRecord());
    // Cut anywhere inside a field: refused, never read past the end.
    int refused = 0;
    for (qsizetype size = 1; size < blob.size(); ++size)
        refused += decodeCaptureRecord(blob.first(size), 1) == nullptr;
    QVERIFY2(refused > blob.size() * 9 / 10, qPrintable(QString::number(refused)));
    QVERIFY(!decodeCaptureRecord("X", 1)); // no such section
    // A count of texts far beyond the blob's end.
    QByteArray hugeCount = blob;
    hugeCount.replace(blob.indexOf("Host") - 8, 4, QByteArray(4, '\x7f'));
    QVERIFY(!decodeCaptureRecord(hugeCount, 1));
    QVERIFY(decodeCaptureRecord(blob, 1)); // the blob it was made from is fine
}

void TestCaptureBlob::draftWritesTheRequestAsSentRedacted()
{
    TrafficCapture capture;
    capture.configure(capturing(10));
    CaptureDraft draft;
    serveOne(draft, capture, "r1");
    const CaptureRecords records = capture.latest(1);
    QCOMPARE(records.size(), size_t(1));
    const CaptureRecord &r = *records.front();
    QCOMPARE(r.id, QByteArray("r1"));
    QCOMPARE(r.method, QByteArray("GET"));
    QCOMPARE(r.host, QByteArray("api.local"));
    QCOMPARE(r.target, QByteArray("/users/7?apikey=[redacted]&x=1"));
    QVERIFY(r.hasHeaders);
    // As sent: the key's field is there (the policy removed it later), its value redacted.
    const std::vector<CapturedField> sent{{"Host", "api.local"}, {"X-API-Key", "[redacted]"},
                                          {"X-Token", "t0ken"}, {"Accept", "*/*"}};
    QVERIFY(r.requestHeaders == sent);
    const std::vector<CapturedField> answered{{"Set-Cookie", "[redacted]"},
                                              {"Content-Length", "2"}};
    QVERIFY(r.responseHeaders == answered);
    QCOMPARE(r.responseBytes, qint64(2));
    QVERIFY(r.responseBody.bytes.isEmpty()); // bodies are off by default
    QCOMPARE(r.status, 200);
    QCOMPARE(r.timings.totalUs, qint64(1500));
    QVERIFY(r.decisions == (std::vector<std::pair<QByteArray, QByteArray>>{{"route", "users"}}));
}

void TestCaptureBlob::draftKeepsTheResponseHeadAsSent()
{
    TrafficCapture capture;
    capture.configure(capturing(10));
    CaptureDraft draft;
    draft.begin(&capture, false, 0);
    draft.addRequestHead(clientHead(), Redactor());
    ResponseHead response;
    response.status = 404;
    response.headers.add("Content-Type", "text/plain; charset=utf-8");
    response.headers.add("X-Odd", "a:b:c");
    response.headers.add("X-Empty", "");
    QByteArray sent;
    appendResponseHead(sent, response);
    draft.addResponseHead(response, sent, Redactor());
    QByteArray record = *draft.finish(RequestContext(), 404, 1);
    QVERIFY(record.contains(sent)); // the bytes as sent, whole
    const std::shared_ptr<CaptureRecord> r = decodeCaptureRecord(record, 1);
    QVERIFY(r);
    const std::vector<CapturedField> fields{{"Content-Type", "text/plain; charset=utf-8"},
                                            {"X-Odd", "a:b:c"},
                                            {"X-Empty", ""}};
    QVERIFY(r->responseHeaders == fields);
    // A field settings.redact_headers names makes the fields go one by one, redacted.
    const Redactor redactor(QStringList{QStringLiteral("x-odd")});
    draft.begin(&capture, false, 0);
    draft.addRequestHead(clientHead(), redactor);
    draft.addResponseHead(response, sent, redactor);
    record = *draft.finish(RequestContext(), 404, 1);
    QVERIFY(!record.contains("a:b:c"));
    const std::vector<CapturedField> redacted{{"Content-Type", "text/plain; charset=utf-8"},
                                              {"X-Odd", "[redacted]"},
                                              {"X-Empty", ""}};
    QVERIFY(decodeCaptureRecord(record, 2)->responseHeaders == redacted);
}

void TestCaptureBlob::draftKeepsALocalReplysHead()
{
    TrafficCapture capture;
    capture.configure(capturing(10));
    CaptureDraft draft;
    // As the connection sends one: the head through the same path as a proxied answer.
    LocalReply reply{429, "slow down", {}};
    reply.headers.add("Retry-After", "3");
    const QByteArray body = localReplyBody(reply, "r9");
    const ResponseHead head = localReplyHead(reply, "r9", false, false, body.size());
    QByteArray sent;
    appendResponseHead(sent, head);
    for (const QStringList &extra : {QStringList{}, QStringList{QStringLiteral("Retry-After")}}) {
        const Redactor redactor(extra);
        draft.begin(&capture, false, 0);
        draft.addRequestHead(clientHead(), redactor);
        draft.addResponseHead(head, sent, redactor);
        draft.addResponseBody(body);
        const QByteArray record = *draft.finish(RequestContext(), 429, 1);
        QVERIFY(!record.contains("slow down")); // the body is not kept (bodies are off)
        const std::shared_ptr<CaptureRecord> r = decodeCaptureRecord(record, 1);
        QVERIFY(r);
        QCOMPARE(r->responseBytes, qint64(body.size()));
        const std::vector<CapturedField> fields{
            {"Retry-After", extra.isEmpty() ? QByteArray("3") : QByteArray("[redacted]")},
            {"Content-Type", "application/json"},
            {"Content-Length", QByteArray::number(body.size())},
            {"X-Request-Id", "r9"}};
        QVERIFY(r->responseHeaders == fields);
    }
}

void TestCaptureBlob::draftIdleWritesNothing()
{
    TrafficCapture capture;
    ObserveConfig o = capturing(10);
    o.capture = QStringLiteral("watched");
    capture.configure(o);
    CaptureDraft draft;
    draft.begin(&capture, false, 0);
    QVERIFY(!draft.isActive());
    draft.addRequestHead(clientHead(), Redactor());
    QVERIFY(!draft.finish(RequestContext(), 200, 1));
    // The access log alone gets a summary without headers.
    draft.begin(&capture, true, 0);
    draft.addRequestHead(clientHead(), Redactor());
    const QByteArray *record = draft.finish(RequestContext(), 204, 1);
    QVERIFY(record);
    const std::shared_ptr<CaptureRecord> r = decodeCaptureRecord(*record, 0);
    QVERIFY(r);
    QCOMPARE(r->status, 204);
    QVERIFY(!r->hasHeaders);
    QVERIFY(r->requestHeaders.empty());
    QCOMPARE(r->target, QByteArray("/users/7?apikey=[redacted]&x=1"));
}

void TestCaptureBlob::fullRingHandsBackTheDroppedBuffer()
{
    TrafficCapture capture;
    capture.configure(capturing(2));
    QByteArray blob;
    for (const char *path : {"/1", "/2"}) {
        CaptureRecord r;
        r.target = path;
        blob = encodeCaptureRecord(r);
        capture.add(blob);
        QVERIFY(blob.isNull()); // room left: nothing to hand back
    }
    // A reader holding the records it read (as the Traffic page does) holds copies, not the
    // ring's buffers: the one handed back is free to be written over.
    const CaptureRecords held = capture.latest(2);
    CaptureRecord third;
    third.target = "/3";
    blob = encodeCaptureRecord(third);
    capture.add(blob);
    QVERIFY(blob.isDetached());
    QCOMPARE(held.front()->target, QByteArray("/1"));
    const std::shared_ptr<CaptureRecord> dropped = decodeCaptureRecord(blob, 1);
    QVERIFY(dropped);
    QCOMPARE(dropped->target, QByteArray("/1"));
    QCOMPARE(capture.size(), 2);
}

void TestCaptureBlob::recordsOutliveTheirBuffersGoingRound()
{
    TrafficCapture capture;
    capture.configure(capturing(2));
    CaptureDraft draft;
    serveOne(draft, capture, "first");
    const CaptureRecordPtr held = capture.latest(1).front();
    // The held record's buffer goes round the ring and back to the draft, which writes on.
    for (int i = 0; i < 10; ++i)
        serveOne(draft, capture, "later-" + QByteArray::number(i));
    QCOMPARE(held->id, QByteArray("first"));
    QCOMPARE(held->host, QByteArray("api.local"));
    QCOMPARE(capture.latest(1).front()->id, QByteArray("later-9"));
    QCOMPARE(capture.size(), 2);
}

QTEST_GUILESS_MAIN(TestCaptureBlob)
#include "tst_capture_blob.moc"
